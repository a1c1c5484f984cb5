ALTER TABLE `inference_log` ADD `task` text DEFAULT 'embed' NOT NULL;--> statement-breakpoint
ALTER TABLE `inference_log` ADD `tokens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `inference_log` ADD `bytes_in` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `inference_log` ADD `bytes_out` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `inference_log` ADD `cost` real DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `inference_log` ADD `outcome` text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE `users` ADD `plan` text DEFAULT 'free' NOT NULL;