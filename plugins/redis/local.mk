# plugins/redis: build and tests of the redis plugin (not written yet).
