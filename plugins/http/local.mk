# plugins/http: build and tests of the http plugin (not written yet).
