-- Training runs, their epoch metrics and best checkpoints, and the transactional outbox.
-- Losses are stored (perplexity = exp(loss) is derived), so nothing overflows a column.

create table runs (
    id                 uuid primary key,
    name               varchar(200),
    dataset            varchar(64)  not null,
    status             varchar(16)  not null,
    -- dev.wordlm.train.TrainConfig as JSON: the hyperparameters the run was accepted with
    config             jsonb        not null,
    created_at         timestamptz  not null,
    started_at         timestamptz,
    finished_at        timestamptz,
    updated_at         timestamptz  not null,
    -- Lease of the trainer that runs it: another replica may take a RUNNING run over once
    -- heartbeat_at is older than the lease timeout (its trainer died).
    owner              varchar(200),
    heartbeat_at       timestamptz,
    -- when the reaper last queued a new request for it because its lease had expired
    requeued_at        timestamptz,
    attempts           integer      not null default 0,
    cancel_requested   boolean      not null default false,
    resumed_from_epoch integer,
    -- progress, refreshed with each heartbeat and at each epoch end
    epoch              integer,
    epochs_completed   integer      not null default 0,
    batch              integer,
    batches            integer,
    lr                 double precision,
    tokens_per_second  double precision,
    train_loss         double precision,
    valid_loss         double precision,
    best_valid_loss    double precision,
    test_loss          double precision,
    error              text
);
create index runs_created on runs (created_at desc);
create index runs_status_created on runs (status, created_at desc);

create table epoch_metrics (
    run_id            uuid             not null references runs (id) on delete cascade,
    epoch             integer          not null,
    train_loss        double precision,
    valid_loss        double precision not null,
    lr                double precision not null,
    seconds           double precision not null,
    tokens_per_second double precision not null,
    recorded_at       timestamptz      not null,
    primary key (run_id, epoch)
);

create table checkpoints (
    id               uuid primary key,
    run_id           uuid             not null references runs (id) on delete cascade,
    epoch            integer          not null,
    valid_loss       double precision not null,
    sha256           char(64)         not null,
    size_bytes       bigint           not null,
    -- relative to wordlm.checkpoint-dir, so the directory can be mounted elsewhere
    file             varchar(300)     not null,
    -- dev.wordlm.model.ModelConfig as JSON
    model            jsonb            not null,
    created_at       timestamptz      not null
);
create index checkpoints_run on checkpoints (run_id, epoch);

-- Events written in the same transaction as the state they describe, relayed to Kafka in id order.
create table outbox (
    id           bigserial primary key,
    topic        varchar(100) not null,
    message_key  varchar(100) not null,
    payload      text         not null,
    created_at   timestamptz  not null,
    published_at timestamptz,
    attempts     integer      not null default 0,
    last_error   text
);
create index outbox_pending on outbox (id) where published_at is null;
