/**
 * The one place the local Elasticsearch version is pinned. docker-compose tests and the
 * Dockerised stack compare against it, so the two ways of running locally cannot drift.
 *
 * 9.2.8 is the newest `integ-test-zip` on Maven Central (9.3+ are not published there).
 */
export const ELASTICSEARCH_VERSION = "9.2.8";

/** Maven coordinates of the test distribution: no bundled JDK, no ML, no ingest modules. */
export const ELASTICSEARCH_ARTIFACT = `org.elasticsearch.distribution.integ-test-zip:elasticsearch:${ELASTICSEARCH_VERSION}:zip`;

/** Addresses the stack binds when it starts the services itself (loopback only). */
export const ELASTICSEARCH_PORT = 9200;
export const PUBSUB_EMULATOR_PORT = 8085;
export const LOCAL_HOST = "127.0.0.1";
