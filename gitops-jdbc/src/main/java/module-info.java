/**
 * gitops4j state in PostgreSQL over plain JDBC: a tamper-evident history, an inventory store with
 * optimistic concurrency and a lease with fencing tokens, all against a {@link
 * javax.sql.DataSource} the embedder supplies.
 */
module dev.gitops4j.jdbc {
  requires transitive dev.gitops4j.core;
  requires transitive java.sql;
  requires org.slf4j;

  exports dev.gitops4j.jdbc;
}
