-- openstreetmap-website has btree_gist (with its extension comment), enums and functions; it
-- lacks a materialized view, a partitioned table and policies. Run as the production owner.
CREATE MATERIALIZED VIEW public.user_changeset_counts AS
    SELECT user_id, count(*) AS changesets, max(created_at) AS last_changeset
    FROM public.changesets GROUP BY user_id;
CREATE UNIQUE INDEX user_changeset_counts_user_id ON public.user_changeset_counts (user_id);
COMMENT ON MATERIALIZED VIEW public.user_changeset_counts IS 'changesets per user';
CREATE TABLE public.api_requests (
    id bigint GENERATED ALWAYS AS IDENTITY,
    requested_at timestamp without time zone NOT NULL,
    user_id bigint,
    path text NOT NULL,
    PRIMARY KEY (id, requested_at)
) PARTITION BY RANGE (requested_at);
CREATE TABLE public.api_requests_2022 PARTITION OF public.api_requests
    FOR VALUES FROM ('2022-01-01') TO ('2023-01-01');
CREATE TABLE public.api_requests_rest PARTITION OF public.api_requests DEFAULT;
ALTER TABLE public.user_blocks ENABLE ROW LEVEL SECURITY;
CREATE POLICY user_blocks_read ON public.user_blocks FOR SELECT TO app_readonly USING (needs_view = false);
CREATE POLICY user_blocks_web ON public.user_blocks TO app_web USING (true);
