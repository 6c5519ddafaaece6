# plugins/gelf: build and tests of the gelf plugin (not written yet).
