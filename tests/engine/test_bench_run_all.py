"""bench/run_all.py: discovery by parsing (no import), one subprocess per script, summary, exit code."""

from __future__ import annotations

import textwrap

from bench import run_all


def _write(pkg, name, body):
    (pkg / f"{name}.py").write_text(textwrap.dedent(body), encoding="utf-8")


def _fake_bench(tmp_path):
    pkg = tmp_path / "fakebench"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("", encoding="utf-8")
    _write(pkg, "alpha", """
        import sys
        RUN_ALL_ARGS = ("--write",)
        def main():
            print("alpha args", sys.argv[1:])
        if __name__ == "__main__":
            main()
        """)
    _write(pkg, "broken", """
        def main():
            raise SystemExit(3)
        if __name__ == "__main__":
            main()
        """)
    _write(pkg, "helper", "X = 1\n")                        # no main(): not a bench script
    _write(pkg, "importbomb", "raise RuntimeError('imported')\ndef main():\n    pass\n")  # discovery must not import
    return pkg


def test_discovers_scripts_with_main_without_importing_them(tmp_path):
    pkg = _fake_bench(tmp_path)
    found = {s.name: s for s in run_all.discover(pkg)}
    assert set(found) == {"alpha", "broken", "importbomb"}
    assert found["alpha"].args == ("--write",)
    assert found["broken"].args == ()


def test_the_real_bench_folder_has_the_engine_scripts():
    names = {s.name for s in run_all.discover()}
    assert {"engine", "llm_analysis_compare"} <= names
    assert "run_all" not in names


def test_each_script_runs_in_its_own_subprocess_and_failures_are_reported(tmp_path, capsys):
    pkg = _fake_bench(tmp_path)
    scripts = {s.name: s for s in run_all.discover(pkg)}
    ok = run_all.run_one(scripts["alpha"], timeout_s=120, cwd=tmp_path, package="fakebench")
    bad = run_all.run_one(scripts["broken"], timeout_s=120, cwd=tmp_path, package="fakebench")
    assert ok.returncode == 0 and "--write" in ok.last_line
    assert bad.returncode == 3
    table = run_all.summary_table([ok, bad])
    assert "| alpha | ok |" in table and "| broken | exit 3 |" in table


def test_unknown_script_name_is_a_clear_error(capsys):
    assert run_all.main(["--only", "no-such-bench"]) == 2
    assert "unknown script" in capsys.readouterr().err
    assert run_all.main(["--list", "--only", "engine"]) == 0


def test_a_benchmark_rewrites_only_its_own_results_section(tmp_path):
    from bench.results_file import replace_section

    path = tmp_path / "RESULTS.md"
    path.write_text("# Benchmark results\n\n## A\n\nold a\n\n## B\n\nb stays\n", encoding="utf-8")
    replace_section("## A", "## A\n\nnew a\n", path)
    replace_section("## C", "## C\n\nc\n", path)
    assert path.read_text(encoding="utf-8") == "# Benchmark results\n\n## A\n\nnew a\n\n## B\n\nb stays\n\n## C\n\nc\n"
    replace_section("## B", "## B\n\nb new", path)
    assert "## A\n\nnew a\n\n## B\n\nb new\n\n## C\n\nc\n" in path.read_text(encoding="utf-8")
