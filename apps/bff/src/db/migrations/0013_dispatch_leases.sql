CREATE TABLE "dispatch_leases" (
	"key" text PRIMARY KEY NOT NULL,
	"holder" text NOT NULL,
	"expires_at" double precision NOT NULL
);
