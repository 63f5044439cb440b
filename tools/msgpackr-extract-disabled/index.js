// msgpackr (BullMQ's serializer) loads its native accelerator in a try/catch and falls back to
// plain JavaScript when the require fails; this stand-in makes it fail. See README.md here.
throw new Error('msgpackr-extract is disabled in sessiond; msgpackr uses its JavaScript decoder');
