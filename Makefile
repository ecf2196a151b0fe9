# weijian — two commands: `make demo` and `make test`. Everything else is a helper of those two.
SHELL := /bin/bash
PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | sha256sum | cut -c1-12)
DATA ?= var
DEMO_SEED ?= 20261123
export WEIJIAN_DATA ?= $(CURDIR)/$(DATA)

.PHONY: demo test test-sqlite test-postgres lint system-deps install bench bench-year lock clean

install: $(STAMP)

$(STAMP): pyproject.toml requirements.lock
	@$(MAKE) --no-print-directory system-deps
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@rm -f $(VENV)/.installed-*; touch $@

# Debian packages the platform and its tests need, installed only when missing (gettext: makemessages / compilemessages
# and the translations test; pango: WeasyPrint's PDF documents; poppler-utils: the tests that read those PDFs back).
system-deps:
	@missing=""; \
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v java >/dev/null 2>&1 || missing="$$missing openjdk-17-jre-headless"; \
	fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing="$$missing fonts-noto-cjk"; \
	command -v xgettext >/dev/null 2>&1 || missing="$$missing gettext"; \
	command -v pdffonts >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	ldconfig -p 2>/dev/null | grep -q libpango-1.0 || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" != 0 ]; then echo "run as root (or install them yourself):$$missing"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

demo: $(STAMP)
	$(BIN)/weijian collectstatic --no-input -v 0
	$(BIN)/weijian migrate --no-input -v 0
	$(BIN)/weijian demo build --seed $(DEMO_SEED)
	$(BIN)/weijian runserver 127.0.0.1:8000 --noreload

lint: $(STAMP)
	$(BIN)/ruff check weijian benchmarks

test: $(STAMP)
	$(BIN)/ruff check weijian benchmarks
	$(MAKE) --no-print-directory test-sqlite
	$(MAKE) --no-print-directory test-postgres

test-sqlite: $(STAMP)
	@echo "== test suite on SQLite =="
	DATABASE_URL= WEIJIAN_TEST_OUTPUT=$(CURDIR)/test-output $(BIN)/pytest -q weijian

test-postgres: $(STAMP)
	@echo "== test suite on PostgreSQL =="
	WEIJIAN_TEST_OUTPUT=$(CURDIR)/test-output scripts/with-postgres $(BIN)/pytest -q weijian -m "not spark and not sweep and not pages"

bench: $(STAMP)
	$(BIN)/python -m benchmarks

# twelve months of the `city` preset through the analytics engine (hours of generation, tens of GB): its own target
bench-year: $(STAMP)
	WEIJIAN_BENCH_PARTS=y $(BIN)/python -m benchmarks analytics_bench

lock:
	rm -rf /tmp/weijian-lock && $(PY) -m venv /tmp/weijian-lock && /tmp/weijian-lock/bin/pip install -q -e '.[dev]' \
	  && { echo "# Pinned versions of every Python package weijian installs (pip constraints file)."; \
	       echo "# Regenerate with: make lock"; /tmp/weijian-lock/bin/pip freeze --exclude-editable; } > requirements.lock

clean:
	rm -rf $(VENV) test-output
