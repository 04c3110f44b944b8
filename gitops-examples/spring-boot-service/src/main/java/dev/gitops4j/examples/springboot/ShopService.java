package dev.gitops4j.examples.springboot;

import dev.gitops4j.engine.PassResult;
import dev.gitops4j.engine.ReconcileListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot service that keeps the {@code shop} namespace of a cluster in line with Git. All of
 * the wiring is in {@code application.yaml}; the one bean here is an extra listener, which the
 * starter hands to the engine with the metrics and dashboard listeners.
 */
@SpringBootApplication
public class ShopService {

  private static final Logger LOG = LoggerFactory.getLogger(ShopService.class);

  public static void main(String[] args) {
    SpringApplication.run(ShopService.class, args);
  }

  /** One log line per pass. */
  @Bean
  ReconcileListener passLog() {
    return new ReconcileListener() {
      @Override
      public void passFinished(PassResult result) {
        LOG.info(
            "{} {} at {} ({} writes){}",
            result.application(),
            result.status(),
            result.revision(),
            result.writes(),
            result.error().isEmpty() ? "" : ": " + result.error());
      }
    };
  }
}
