package dev.gitops4j.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A separate process that appends to one application's history, and after each append returns
 * writes the record's revision to an acknowledgement file: what it reports as done.
 *
 * <p>Arguments: JDBC URL, application, number of appends, acknowledgement file, writer name.
 */
public final class HistoryAppender {

  private HistoryAppender() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    String application = args[1];
    int count = Integer.parseInt(args[2]);
    String writer = args[4];
    try (HikariDataSource pool = Databases.pooled(url, 2);
        OutputStream acks = new FileOutputStream(args[3], true)) {
      PostgresHistoryStore store = PostgresHistoryStore.open(pool);
      for (int i = 1; i <= count; i++) {
        String revision = writer + "-" + i;
        store.append(Databases.record(application, revision));
        // One write call: once it returns the line is the kernel's, and survives kill -9.
        acks.write((revision + "\n").getBytes(StandardCharsets.UTF_8));
      }
    }
  }
}
