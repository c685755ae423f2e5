-- A generator's claim on the checkpoint it serves or has pinned: retention keeps a held checkpoint while the hold
-- lasts. Holds are leases (renewed by their holder), so a generator that is gone for good stops holding anything.
create table checkpoint_holds (
    checkpoint_id uuid         not null references checkpoints (id) on delete cascade,
    holder        varchar(100) not null,
    expires_at    timestamptz  not null,
    primary key (checkpoint_id, holder)
);
create index checkpoint_holds_expiry on checkpoint_holds (expires_at);
