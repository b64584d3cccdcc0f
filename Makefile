# Zhixin 知新: two commands. The logic lives in bin/ (see README.md).
.PHONY: run test bench

# Serve the app on http://127.0.0.1:$${PORT:-5000} with its task worker (Ctrl-C stops both).
run:
	bash bin/run

# The whole test suite; e.g. make test PYTEST_ARGS="-k heartbeat -x"
test:
	bash bin/test $(PYTEST_ARGS)

# Every benchmark in bench/: figures and their ratio to a same-run baseline (a few minutes).
bench:
	bash bin/bench
