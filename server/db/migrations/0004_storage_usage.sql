CREATE TABLE `storage_usage` (
	`user_id` text PRIMARY KEY NOT NULL,
	`bytes` integer NOT NULL
);
--> statement-breakpoint
-- Usage of the documents stored before the quota: their states plus the update log not yet compacted.
INSERT INTO `storage_usage` (`user_id`, `bytes`)
SELECT `owner`, SUM(`size`) FROM (
	SELECT `user_id` AS `owner`, `bytes` AS `size` FROM `documents`
	UNION ALL
	SELECT substr(`name`, 3, instr(substr(`name`, 3), '/') - 1), length(`update`) FROM `document_updates`
) GROUP BY `owner`;
