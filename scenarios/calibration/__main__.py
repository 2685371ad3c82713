"""``python -m scenarios.calibration fit|check|batching``: refit or check the speed factors and MFU;
``batching`` fits the continuous-batching factors (data/batching_factors.json, scenarios/calibration/throughput.py).

``fit`` writes ``data/fitted_factors.json`` and the calibration section of docs/methodology.md;
``check`` refits and compares with the committed JSON without writing (exit 1 on a difference).
"""

from __future__ import annotations

import argparse
import json
import sys

from scenarios.calibration.fit import compare_factors, run_fit
from scenarios.calibration.report import methodology_section, write_methodology
from scenarios.calibration.rows import FACTORS_JSON


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m scenarios.calibration",
                                 description="Fit the speed factors and MFU on the calibration data.")
    ap.add_argument("command", choices=["fit", "check", "batching"],
                    help="fit: write data/fitted_factors.json and docs/methodology.md; check: compare only")
    args = ap.parse_args(argv)
    if args.command == "batching":
        return _batching()
    f, rep = run_fit()
    if args.command == "check":
        old = json.loads(FACTORS_JSON.read_text(encoding="utf-8"))
        bad = compare_factors(old, f)
        print("fitted factors match the committed JSON" if not bad else "\n".join(bad))
        return 1 if bad else 0
    FACTORS_JSON.write_text(json.dumps(f, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    write_methodology(methodology_section(f, rep))
    print(json.dumps(f["summary"], indent=1))
    return 0


def _batching() -> int:
    from scenarios.calibration import throughput
    from scenarios.engine.batching import FACTORS_PATH
    f, lo_df = throughput.run_fit()
    FACTORS_PATH.write_text(json.dumps(f, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    throughput.write_methodology(throughput.methodology_section(f, lo_df))
    print(throughput.per_hardware(lo_df, f["band"]).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
