-- slack-clone has enums, identity columns, policies (one TO a role), a publication, grants
-- and revokes; it lacks a materialized view and a partitioned table. Run as the production owner.
CREATE MATERIALIZED VIEW public.channel_message_counts AS
    SELECT c.slug, count(m.id) AS messages FROM public.channels c
    LEFT JOIN public.messages m ON m.channel_id = c.id GROUP BY c.slug;
CREATE TABLE public.message_reads (
    message_id bigint NOT NULL,
    user_id uuid NOT NULL,
    read_at timestamp with time zone NOT NULL
) PARTITION BY RANGE (read_at);
CREATE TABLE public.message_reads_2022h1 PARTITION OF public.message_reads
    FOR VALUES FROM ('2022-01-01 00:00+00') TO ('2022-07-01 00:00+00');
CREATE TABLE public.message_reads_rest PARTITION OF public.message_reads DEFAULT;
ALTER TABLE public.message_reads ENABLE ROW LEVEL SECURITY;
CREATE POLICY "Read receipts of oneself" ON public.message_reads FOR SELECT TO authenticated
    USING (auth.uid() = user_id);
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO authenticated;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT EXECUTE ON FUNCTIONS TO anon;
