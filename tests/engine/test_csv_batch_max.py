"""`estimate inference --from-csv` accepts `max` in the batch column (ARCHITECTURE 4.3): each such
row runs at the concurrency `--batch max` picks for its own inputs, and says which."""

from __future__ import annotations

import json

from tests.engine.test_cli import run

ROWS = [("llama-3.1-8b", "nvidia-h100-sxm", "int4", "max", 512, 128),
        ("llama-3.1-8b", "nvidia-l4", "fp16", "4", 512, 128),
        ("llama-3.1-8b", "nvidia-l4", "", " MAX ", 1024, 256),
        ("no-such-model", "nvidia-l4", "", "max", 512, 128)]


def test_max_in_the_batch_column_is_the_single_estimates_max(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("model,hardware,weights,batch,prompt_tokens,output_tokens\n"
                    + "".join(",".join(map(str, r)) + "\n" for r in ROWS))
    res = run("estimate", "inference", "--from-csv", str(path), "--json")
    assert res.returncode == 0, res.stderr
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(lines) == len(ROWS) and "error" in lines[3] and "model" in lines[3]["error"]
    for got, (model, hw, weights, batch, prompt, output) in zip(lines[:3], ROWS):
        argv = ["estimate", "inference", "--model", model, "--hardware", hw, "--batch", batch.strip().lower(),
                "--prompt-tokens", str(prompt), "--output-tokens", str(output), "--json"]
        one = json.loads(run(*argv, *(["--weights", weights] if weights else [])).stdout)
        assert got["inputs"]["batch"] == one["inputs"]["batch"]
        assert got["throughput_tokens_per_s"] == one["throughput_tokens_per_s"]
    assert lines[0]["inputs"]["batch"] > 1 and lines[1]["inputs"]["batch"] == 4
