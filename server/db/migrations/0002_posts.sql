CREATE TABLE `posts` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`doc_name` text NOT NULL,
	`visibility` text NOT NULL,
	`text` text NOT NULL,
	`created_at` integer NOT NULL,
	`published_at` integer NOT NULL,
	`edited_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `posts_user_created_idx` ON `posts` (`user_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `posts_doc_idx` ON `posts` (`doc_name`);