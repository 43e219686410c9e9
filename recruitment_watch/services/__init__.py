"""Business operations shared by the web app, API v1, the CLI and the scheduled jobs, one package per feature.

access/     who the caller is (Actor), what they may see (scoping), API keys, users
registry/   agencies, licences and their expiry, employers; public licence verification
contracts/  contract intake, versions, fee payments, the criteria preview, API submissions (single and bulk)
criteria/   the active packs and how stored records become the subjects the criteria judge
sweeps/     compliance sweeps: run, lock, strategies (SQL and Python), partitions and workers, recording findings
casework/   complaints, finding responses, complaint SLA clocks, notifications
oversight/  risk scores and ranking, public figures and health
scheduling/ the job-run ledger behind the scheduler

Services take a keyword-only ``session`` (or an engine when they own their transactions), flush and never commit;
errors users can act on are in ``errors``. docs/architecture.md draws the rooms and the arrows.
"""
