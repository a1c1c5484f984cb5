CREATE TABLE `post_claims` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`claimed_at` integer NOT NULL,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
-- Every id published so far belongs to its publisher.
INSERT INTO `post_claims` (`id`, `user_id`, `claimed_at`) SELECT `id`, `user_id`, `published_at` FROM `posts`;
