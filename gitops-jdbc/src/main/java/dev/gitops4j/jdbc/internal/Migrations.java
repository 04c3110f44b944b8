package dev.gitops4j.jdbc.internal;

import java.util.List;

/**
 * The schema, as an ordered list of migrations. A released migration is never edited: changes go in
 * a new one with the next version.
 */
public final class Migrations {

  /** One step of the schema: its statements run in one transaction with its version row. */
  public record Migration(int version, String description, List<String> statements) {}

  public static final List<Migration> ALL =
      List.of(
          new Migration(
              1,
              "history: hash-chained rows, one chain head per application, imports",
              List.of(
                  """
                  create table gitops_history (
                    id bigserial primary key,
                    application text not null,
                    seq bigint not null,
                    line text not null,
                    recorded_at timestamptz not null default now(),
                    import_id bigint,
                    source_line bigint,
                    unique (application, seq)
                  )""",
                  """
                  create table gitops_history_head (
                    application text primary key,
                    seq bigint not null,
                    hash text not null
                  )""",
                  """
                  create table gitops_history_import (
                    id bigserial primary key,
                    source text not null,
                    records bigint not null,
                    file_head text not null unique,
                    imported_at timestamptz not null default now()
                  )""",
                  "create index gitops_history_import_rows on gitops_history (import_id, source_line)"
                      + " where import_id is not null")),
          new Migration(
              2,
              "inventory: one row per application with a version for compare-and-set",
              List.of(
                  """
                  create table gitops_inventory (
                    application text primary key,
                    version bigint not null,
                    resources text not null,
                    updated_at timestamptz not null default now()
                  )""")),
          new Migration(
              3,
              "leases with fencing tokens",
              List.of(
                  "create sequence gitops_lease_token",
                  """
                  create table gitops_lease (
                    name text primary key,
                    holder text,
                    token bigint not null,
                    acquired_at timestamptz not null,
                    renewed_at timestamptz not null,
                    expires_at timestamptz not null
                  )""")),
          new Migration(
              4,
              "engine state: a few text values per application and key",
              List.of(
                  """
                  create table gitops_state (
                    application text not null,
                    key text not null,
                    value text not null,
                    updated_at timestamptz not null default now(),
                    primary key (application, key)
                  )""")));

  private Migrations() {}

  /** The version the code expects. */
  public static int latest() {
    return ALL.get(ALL.size() - 1).version();
  }
}
