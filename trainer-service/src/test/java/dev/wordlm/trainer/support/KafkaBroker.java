package dev.wordlm.trainer.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A real Kafka broker (KRaft, in this JVM) on a free port, for the tests; no Docker needed. Test classes get its
 * {@link BrokerControl} injected to stop it and start it again on the same port with the same data.
 */
public class KafkaBroker implements QuarkusTestResourceLifecycleManager {
    private BrokerControl control;

    @Override
    public Map<String, String> start() {
        control = new BrokerControl();
        control.start();
        return Map.of("kafka.bootstrap.servers", control.bootstrapServers());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(control, new TestInjector.MatchesType(BrokerControl.class));
    }

    @Override
    public void stop() {
        if (control != null) {
            control.close();
        }
    }
}
