# plugins/kafka: build and tests of the kafka plugin (not written yet).
