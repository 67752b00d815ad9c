ALTER TABLE "templates" ADD COLUMN "components" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "quality" text DEFAULT 'unknown' NOT NULL;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "changed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "templates" ADD COLUMN "body_samples" jsonb DEFAULT '[]'::jsonb NOT NULL;