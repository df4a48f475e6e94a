CREATE TABLE `models` (
	`model_id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`manifest` text NOT NULL,
	`manifest_hash` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `receipts` (
	`id` text PRIMARY KEY NOT NULL,
	`model_id` text NOT NULL,
	`statement` text NOT NULL,
	`bundle` text NOT NULL,
	`valid` integer NOT NULL,
	`text` text,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`model_id`) REFERENCES `models`(`model_id`) ON UPDATE no action ON DELETE no action,
	CONSTRAINT "receipts_valid_bool" CHECK("receipts"."valid" IN (0, 1))
);
--> statement-breakpoint
CREATE INDEX `receipts_model_id_idx` ON `receipts` (`model_id`);