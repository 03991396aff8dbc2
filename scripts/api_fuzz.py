"""Fuzz the running API with schemathesis: every operation, generated inputs, no 5xx, answers as documented.

    .venv/bin/python scripts/api_fuzz.py [--max-examples 20] [--seed N] [--workers 4]

It migrates a throwaway SQLite database in a temporary directory, seeds the demo board, makes an API token for
the demo board manager, serves the app with `casereview runserver` on a free port and runs `schemathesis run`
against /api/openapi.json with that token. Path identifiers are drawn from the demo's reviews and people most
of the time, so operations reach their logic instead of answering 404, and are generated the rest of the time.
Exits with schemathesis's status; on failure the server's log (with any traceback) is printed too. A JUnit
report is kept in test-results/api-fuzz/.
"""

import argparse
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BIN = Path(sys.executable).parent
REPORT_DIR = Path(__file__).resolve().parent.parent / "test-results" / "api-fuzz"
CHECKS = "not_a_server_error,status_code_conformance,response_schema_conformance"
DEMO_MANAGER = "manager@northbridge.example"
SERVER_START_SECONDS = 60


def casereview(*args: str, env: dict[str, str]) -> str:
    result = subprocess.run([str(BIN / "casereview"), *args], env=env, check=True, capture_output=True, text=True)
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server stopped before answering (exit status {server.returncode})")
        try:
            # Bandit's B310 (URL schemes) is a false positive: the URL is the http://127.0.0.1 server started here.
            with urllib.request.urlopen(url, timeout=5) as response:  # nosec B310
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer {url} within {SERVER_START_SECONDS}s")


def config_with_demo_identifiers(database: Path, config: Path) -> None:
    """A schemathesis.toml drawing review_id and person_id from the demo's rows 80% of the time."""
    with sqlite3.connect(database) as connection:
        reviews = [row[0] for row in connection.execute("SELECT id FROM reviews_review ORDER BY id")]
        people = [row[0] for row in connection.execute("SELECT id FROM reviews_person ORDER BY id")]
    lines = ["[parameters]"]
    for name, values in [("review_id", reviews), ("person_id", people)]:
        if values:
            lines.insert(0, f"[dictionaries.{name}s]\nvalues = {values}\n")
            lines.append(f'"path.{name}" = {{ dictionary = "{name}s", probability = 0.8 }}')
    config.write_text("\n".join(lines) + "\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=20, help="test cases per operation and phase")
    parser.add_argument("--seed", type=int, default=None, help="schemathesis's seed, to repeat a run")
    parser.add_argument("--workers", default="4", help="concurrent schemathesis workers")
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="casereview-api-fuzz-") as directory:
        workdir = Path(directory)
        env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "DEBUG", "SECRET_KEY"}}
        env.update(CASEREVIEW_VAR_DIR=str(workdir), PYTHONUNBUFFERED="1")
        casereview("migrate", "--noinput", env=env)
        casereview("demo", env=env)
        token = casereview("token", "create", "--email", DEMO_MANAGER, "--name", "API fuzzing", env=env).split()[-1]
        config = workdir / "schemathesis.toml"
        config_with_demo_identifiers(workdir / "casereview.sqlite3", config)

        port = free_port()
        log_path = workdir / "server.log"
        with log_path.open("w") as log:
            server = subprocess.Popen(
                [str(BIN / "casereview"), "runserver", f"127.0.0.1:{port}", "--noreload"],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        try:
            schema_url = f"http://127.0.0.1:{port}/api/openapi.json"
            wait_for(schema_url, server)
            command = [
                str(BIN / "schemathesis"),
                "--config-file",
                str(config),
                "run",
                schema_url,
                "--header",
                f"Authorization: Bearer {token}",
                "--checks",
                CHECKS,
                "--max-examples",
                str(options.max_examples),
                "--workers",
                options.workers,
                "--request-timeout",
                "30",
                "--report",
                "junit",
                "--report-dir",
                str(REPORT_DIR),
            ]
            if options.seed is not None:
                command += ["--seed", str(options.seed)]
            print(f"api_fuzz: {schema_url} as {DEMO_MANAGER}; identifiers from the demo: {config.read_text()}")
            # Run in the temporary directory, where schemathesis leaves its cache.
            status = subprocess.run(command, env=env, cwd=workdir, check=False).returncode
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        if status != 0:
            print("\n== server log (last 200 lines)", file=sys.stderr)
            print("\n".join(log_path.read_text().splitlines()[-200:]), file=sys.stderr)
        return status


if __name__ == "__main__":
    sys.exit(main())
