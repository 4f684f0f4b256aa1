package newsfacets.opensearch;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.node.OpenSearchRunnerNode;
import org.opensearch.analysis.common.CommonAnalysisPlugin;
import org.opensearch.common.logging.LogConfigurator;
import org.opensearch.common.settings.Settings;
import org.opensearch.env.Environment;
import org.opensearch.index.mapper.MapperExtrasPlugin;
import org.opensearch.node.InternalSettingsPreparer;
import org.opensearch.node.Node;
import org.opensearch.painless.PainlessPlugin;
import org.opensearch.plugins.Plugin;
import org.opensearch.transport.Netty4Plugin;

/**
 * One OpenSearch node in this JVM, its modules given as plugin classes (as OpenSearch's own test
 * framework starts nodes), so that a node is a process of its own: it can be killed and restarted alone.
 *
 * <p>Arguments are settings, as the opensearch command takes them: {@code -Epath.home=DIR -Ehttp.port=9200
 * -Etransport.port=9300 -Ediscovery.seed_hosts=...}. The node runs until the JVM is stopped.
 */
public final class LocalNode {
    /** The modules the searcher needs: HTTP and transport, analyzers (English stemming, ASCII folding),
     * extra field types, and scripts. */
    static final Collection<Class<? extends Plugin>> MODULES = List.of(
            Netty4Plugin.class, CommonAnalysisPlugin.class, MapperExtrasPlugin.class, PainlessPlugin.class);

    private LocalNode() {
    }

    public static void main(String[] args) throws Exception {
        Settings.Builder settings = Settings.builder();
        for (String arg : args) {
            if (!arg.startsWith("-E") || !arg.contains("=")) {
                throw new IllegalArgumentException("expected -Ename=value, got: " + arg);
            }
            String setting = arg.substring(2);
            int equals = setting.indexOf('=');
            String name = setting.substring(0, equals);
            String value = setting.substring(equals + 1);
            if (name.equals("discovery.seed_hosts") || name.equals("cluster.initial_cluster_manager_nodes")) {
                settings.putList(name, value.split(","));
            } else {
                settings.put(name, value);
            }
        }
        String home = settings.get("path.home");
        if (home == null) {
            throw new IllegalArgumentException("-Epath.home=DIR is required");
        }
        Path config = Paths.get(home, "config");
        Files.createDirectories(config);
        Files.createDirectories(Paths.get(home, "modules"));
        Files.createDirectories(Paths.get(home, "plugins"));
        try (InputStream log4j = LocalNode.class.getResourceAsStream("/newsfacets-log4j2.properties")) {
            Files.copy(log4j, config.resolve("log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
        }
        Files.writeString(config.resolve("opensearch.yml"), "# settings are given on the command line\n");

        String nodeName = settings.get("node.name") == null ? "node" : settings.get("node.name");
        Environment environment = InternalSettingsPreparer.prepareEnvironment(
                settings.build(), Collections.emptyMap(), config, () -> nodeName);
        LogConfigurator.registerErrorListener();
        LogConfigurator.configure(environment);

        Node node = new OpenSearchRunnerNode(environment, MODULES);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                node.close();
            } catch (Exception error) {
                error.printStackTrace();
            } finally {
                stopped.countDown();
            }
        }));
        node.start();
        stopped.await();
    }
}
