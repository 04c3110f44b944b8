package dev.gitops4j.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gitops4j.diff.StructuralDiffer;
import dev.gitops4j.engine.FencedException;
import dev.gitops4j.engine.PassContext;
import dev.gitops4j.engine.Target;
import dev.gitops4j.engine.TargetSession;
import dev.gitops4j.model.DesiredState;
import dev.gitops4j.model.DriftReport;
import dev.gitops4j.model.Inventory;
import dev.gitops4j.model.LiveResource;
import dev.gitops4j.model.LiveState;
import dev.gitops4j.model.ResourceId;
import dev.gitops4j.model.Step;
import dev.gitops4j.model.TargetException;
import dev.gitops4j.render.ManifestRenderer;
import dev.gitops4j.sync.ApplyOptions;
import dev.gitops4j.sync.InventoryStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;

/**
 * A target that lives in PostgreSQL, so that what it holds survives the processes writing it: each
 * object is a row of {@code ledger_object} (its {@code application} column is the ownership
 * marker), and every write also appends a row to {@code ledger_write} naming the revision, the step
 * and the fencing token it was made under. Both happen in one transaction that first confirms the
 * lease ({@link FencedWrite}), so the evidence log holds exactly the writes that landed, and a
 * deposed holder's write lands nowhere.
 */
final class LedgerTarget {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final StructuralDiffer DIFFER = StructuralDiffer.ofDefaults();

  private final DataSource data;
  private final PostgresLease lease;
  private final String holder;
  private volatile StepHook insideWrite = step -> {};

  /** Runs inside a write's open transaction, after its rows and before the commit. */
  @FunctionalInterface
  interface StepHook {
    void run(Step step) throws SQLException;
  }

  LedgerTarget(DataSource data, PostgresLease lease) {
    this.data = data;
    this.lease = lease;
    this.holder = lease.holder();
  }

  /** Runs {@code hook} inside each write's transaction, just before it commits. */
  void insideWrite(StepHook hook) {
    this.insideWrite = hook;
  }

  /** Creates the ledger's tables; run once before replicas start. */
  static void createTables(DataSource data) throws SQLException {
    Databases.sql(
        data,
        """
        create table if not exists ledger_object (
          kind text not null, scope text not null, name text not null,
          application text not null, body text not null, version bigint not null,
          primary key (kind, scope, name))""",
        """
        create table if not exists ledger_write (
          id bigserial primary key, application text not null, revision text not null,
          action text not null, kind text not null, scope text not null, name text not null,
          token bigint not null, holder text not null,
          at timestamptz not null default clock_timestamp())""",
        """
        create table if not exists ledger_pass (
          id bigserial primary key, application text not null, holder text not null,
          token_at_start bigint not null, token_at_end bigint,
          started_at timestamptz not null default clock_timestamp(), ended_at timestamptz,
          status text, revision text, writes int)""");
  }

  /** This target for an engine, with inventories in {@code inventories}. */
  Target target(InventoryStore inventories) {
    return Target.builder("ledger")
        .renderer(ManifestRenderer.ofDefaults())
        .sessions(this::open)
        .inventoryStore(inventories)
        .build();
  }

  private TargetSession open(PassContext context) {
    String application = context.application();
    String revision = context.revision();
    return new TargetSession() {
      @Override
      public LiveState observe(DesiredState desired, Inventory inventory) throws TargetException {
        List<LiveResource> live = new ArrayList<>();
        try (Connection c = data.getConnection();
            PreparedStatement select =
                c.prepareStatement(
                    "select kind, scope, name, application, body, version from ledger_object");
            ResultSet rows = select.executeQuery()) {
          while (rows.next()) {
            ResourceId id = ResourceId.of(rows.getString(1), rows.getString(2), rows.getString(3));
            if (desired.resources().containsKey(id) || inventory.contains(id)) {
              live.add(
                  new LiveResource(
                      id,
                      JSON.readTree(rows.getString(5)),
                      Long.toString(rows.getLong(6)),
                      application.equals(rows.getString(4))));
            }
          }
        } catch (SQLException | JsonProcessingException e) {
          throw new TargetException("cannot read the ledger: " + e.getMessage(), true, e);
        }
        return LiveState.of(live);
      }

      @Override
      public DriftReport diff(DesiredState desired, LiveState live) {
        return DIFFER.diff(desired, live);
      }

      @Override
      public String apply(Step step, ApplyOptions options) throws TargetException {
        if (options.dryRun()) {
          return "dry run";
        }
        try {
          int changed = FencedWrite.run(data, lease, application, c -> write(c, step));
          if (changed == 0) {
            throw new TargetException(
                step.id() + (step.action() == Step.Action.CREATE ? " exists" : " is gone"), false);
          }
          return "";
        } catch (FencedException e) {
          throw new TargetException("not written: " + e.getMessage(), true, e);
        } catch (SQLException e) {
          throw new TargetException("cannot write " + step.id() + ": " + e.getMessage(), true, e);
        }
      }

      /** The object's row and its evidence row, in the fenced transaction. */
      private int write(Connection c, Step step) throws SQLException {
        ResourceId id = step.id();
        String scope = id.scope() == null ? "" : id.scope();
        int changed;
        switch (step.action()) {
          case CREATE -> {
            try (PreparedStatement insert =
                c.prepareStatement(
                    "insert into ledger_object (kind, scope, name, application, body, version)"
                        + " values (?, ?, ?, ?, ?, 1) on conflict do nothing")) {
              insert.setString(1, id.kind());
              insert.setString(2, scope);
              insert.setString(3, id.name());
              insert.setString(4, application);
              insert.setString(5, step.desired().body().toString());
              changed = insert.executeUpdate();
            }
          }
          case UPDATE -> {
            try (PreparedStatement update =
                c.prepareStatement(
                    "update ledger_object set body = ?, version = version + 1"
                        + " where kind = ? and scope = ? and name = ? and application = ?")) {
              update.setString(1, step.desired().body().toString());
              update.setString(2, id.kind());
              update.setString(3, scope);
              update.setString(4, id.name());
              update.setString(5, application);
              changed = update.executeUpdate();
            }
          }
          default -> {
            try (PreparedStatement delete =
                c.prepareStatement(
                    "delete from ledger_object"
                        + " where kind = ? and scope = ? and name = ? and application = ?")) {
              delete.setString(1, id.kind());
              delete.setString(2, scope);
              delete.setString(3, id.name());
              delete.setString(4, application);
              changed = delete.executeUpdate();
            }
          }
        }
        if (changed == 0) {
          return 0;
        }
        // The token as the share-locked lease row has it: the term this write commits under.
        try (PreparedStatement evidence =
            c.prepareStatement(
                "insert into ledger_write"
                    + " (application, revision, action, kind, scope, name, token, holder)"
                    + " select ?, ?, ?, ?, ?, ?, token, ? from gitops_lease where name = ?")) {
          evidence.setString(1, application);
          evidence.setString(2, revision);
          evidence.setString(3, step.action().name().toLowerCase(Locale.ROOT));
          evidence.setString(4, id.kind());
          evidence.setString(5, scope);
          evidence.setString(6, id.name());
          evidence.setString(7, holder);
          evidence.setString(8, lease.name());
          if (evidence.executeUpdate() != 1) {
            throw new SQLException("lease " + lease.name() + " vanished");
          }
        }
        insideWrite.run(step);
        return changed;
      }
    };
  }
}
