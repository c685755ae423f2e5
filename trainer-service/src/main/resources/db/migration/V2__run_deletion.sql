-- DELETE /api/runs/{id} of a RUNNING run: it is cancelled, and deleted once its trainer has stopped writing its files.
alter table runs add column delete_requested boolean not null default false;
