CREATE TABLE `inference_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`user_id` text NOT NULL,
	`model` text NOT NULL,
	`version` text NOT NULL,
	`batch` integer NOT NULL,
	`input_chars` integer NOT NULL,
	`run_ms` real NOT NULL,
	`queue_ms` real NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `inference_log_user_idx` ON `inference_log` (`user_id`,`created_at`);