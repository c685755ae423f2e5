#!/bin/sh
# Runs a Kafka tool class with the broker's jars, warnings only (the official scripts' helper).
# KAFKA_HEAP_OPTS is not read here: compose sets it for the broker, and a tool needs far less.
exec java -Xmx256m -XX:TieredStopAtLevel=1 -Djava.awt.headless=true \
  -Dlog4j2.configurationFile=/opt/kafka/tools-log4j2.properties -cp '/opt/kafka/libs/*' "$@"
