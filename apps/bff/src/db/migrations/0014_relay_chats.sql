CREATE TABLE "relay_authorizations" (
	"organization_id" text PRIMARY KEY NOT NULL,
	"sealed_refresh_token" text NOT NULL,
	"account_id" text NOT NULL,
	"bot_id" text,
	"sealed_bot_secret" text,
	"status" text DEFAULT 'connected' NOT NULL,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay_chats" (
	"chat_id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"identity_id" uuid NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay_identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"organization_id" text NOT NULL,
	"number_id" uuid NOT NULL,
	"customer" text NOT NULL,
	"entity_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay_inbound" (
	"provider_message_id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"number_id" uuid NOT NULL,
	"customer" text NOT NULL,
	"seq" bigint GENERATED ALWAYS AS IDENTITY (sequence name "relay_inbound_seq_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1),
	"type" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"chat_id" text,
	"event_id" text,
	"error_code" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "relay_numbers" (
	"number_id" uuid PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"enabled" boolean DEFAULT false NOT NULL,
	"group_id" integer,
	"last_failure_at" timestamp with time zone,
	"last_failure_direction" text,
	"last_failure_code" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "relay_outbound" (
	"event_id" text PRIMARY KEY NOT NULL,
	"organization_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"thread_id" text,
	"message_id" uuid,
	"status" text DEFAULT 'pending' NOT NULL,
	"error_code" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "relay_authorizations" ADD CONSTRAINT "relay_authorizations_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_chats" ADD CONSTRAINT "relay_chats_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_chats" ADD CONSTRAINT "relay_chats_identity_id_relay_identities_id_fk" FOREIGN KEY ("identity_id") REFERENCES "public"."relay_identities"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_identities" ADD CONSTRAINT "relay_identities_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_identities" ADD CONSTRAINT "relay_identities_number_id_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."numbers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_inbound" ADD CONSTRAINT "relay_inbound_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_numbers" ADD CONSTRAINT "relay_numbers_number_id_numbers_id_fk" FOREIGN KEY ("number_id") REFERENCES "public"."numbers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_numbers" ADD CONSTRAINT "relay_numbers_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "relay_outbound" ADD CONSTRAINT "relay_outbound_organization_id_organizations_id_fk" FOREIGN KEY ("organization_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "relay_chats_identity" ON "relay_chats" USING btree ("identity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_identities_number_customer" ON "relay_identities" USING btree ("number_id","customer");--> statement-breakpoint
CREATE UNIQUE INDEX "relay_identities_entity" ON "relay_identities" USING btree ("organization_id","entity_id");--> statement-breakpoint
CREATE INDEX "relay_inbound_customer" ON "relay_inbound" USING btree ("number_id","customer","seq");--> statement-breakpoint
CREATE INDEX "relay_outbound_message" ON "relay_outbound" USING btree ("message_id");