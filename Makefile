# The two commands (see README.md). Everything else is in `python3 -m stack`.
.PHONY: run test setup

run:
	python3 -m stack run

test:
	python3 -m stack test

setup:
	python3 -m stack setup
