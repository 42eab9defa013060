"""effcompute report: files, numbers, embedded figures; rendered in headless Chromium."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess

import numpy as np
import pytest
from mock_sampling import mock_fit

from effcompute.cli import main
from effcompute.inference.report.render import FIGURES_DIR
from effcompute.inference.runs import fit_workflow as run_module
from effcompute.inference.runs.files import load_run
from effcompute.inference.summary.numbers import format_multiplier as fmt_x

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: Where to find Chromium; CI installs the Debian package (.ci/run).
CHROMIUM = os.environ.get("EFFCOMPUTE_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--hide-scrollbars",
]


def _as_chains(ds, chains, draws):
    """A prior-style dataset (chain=1, draw=chains*draws) reshaped to chains x draws."""
    flat = ds.stack(sample=("chain", "draw")).transpose("sample", ...).drop_vars(["sample", "chain", "draw"])
    flat = flat.assign_coords(chain=("sample", np.repeat(np.arange(chains), draws)), draw=("sample", np.tile(np.arange(draws), chains)))
    return flat.set_index(sample=["chain", "draw"]).unstack("sample").transpose("chain", "draw", ...)


def mock_fit_with_predictive(model, seed=1, **_):
    """mock_fit, with the posterior predictive group drawn at the mock posterior."""
    return mock_fit(model, seed=seed, predictive=True)


@pytest.fixture(scope="module")
def joint_report(tmp_path_factory):
    """A mocked joint run and its report (built once for the module)."""
    tmp = tmp_path_factory.mktemp("report")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(run_module, "fit_model", lambda model, **kw: mock_fit_with_predictive(model, seed=kw.get("seed", 1)))
        result = run_module.run_fit("joint", out_dir=tmp / "runs", seed=3)
    out = tmp / "report"
    assert main(["report", result["path"], "--out", str(out)]) == 0
    _, _, attrs = load_run(result["path"])
    return out, attrs


def headline_strings(attrs) -> list[str]:
    h = attrs["headline"]
    return [fmt_x(h[k]["median"]) for k in ("hardware_reduction", "compute_reduction", "hardware_reduction_per_year", "compute_reduction_per_year")] + [
        f"{h['halving_time_months']['median']:.1f}"
    ]


def test_report_writes_html_markdown_and_every_figure(joint_report):
    out, attrs = joint_report
    html = (out / "report.html").read_text()
    md = (out / "report.md").read_text()
    pngs = sorted((out / FIGURES_DIR).glob("*.png"))
    srcs = re.findall(r'<img src="([^"]+)"', html)
    assert len(srcs) == len(pngs) >= 12
    assert all(s.startswith("data:image/png;base64,") for s in srcs), "the page must not fetch anything"
    assert sorted(re.findall(r"\]\(figures/([^)]+)\)", md)) == sorted(p.name for p in pngs)
    for p in pngs:
        assert p.read_bytes().startswith(PNG_SIGNATURE), p
    for text in (html, md):
        for number in headline_strings(attrs):
            assert number in text
        assert attrs["data_hash"] in text and attrs["as_of"] in text
        assert f"scores {attrs['counts']['scores']}" in text
        assert "Ho et al. 2024" in text and "seed 002" in text and "Epoch" in text
    # the answer comes first: the headline table precedes every figure
    assert html.index(fmt_x(attrs["headline"]["hardware_reduction"]["median"])) < html.index("<img")


def test_report_leaves_out_data_figures_when_the_data_changed(joint_report, data_copy, tmp_path):
    out, attrs = joint_report
    run = next((out.parent / "runs").glob("*.nc"))
    scores = data_copy / "scores.csv"
    scores.write_text(scores.read_text().replace("43.9", "44.0", 1))
    assert main(["report", str(run), "--out", str(tmp_path), "--data", str(data_copy), "--no-loo"]) == 0
    names = {p.stem for p in (tmp_path / FIGURES_DIR).glob("*.png")}
    assert "score_vs_flop" not in names and "pareto_k" not in names
    assert "reductions" in names and "halving_time" in names
    assert "not the run's" in (tmp_path / "report.md").read_text()


CHECK_SCRIPT = """<script>
window.addEventListener('load', () => {
  const imgs = Array.from(document.images);
  const result = {n: imgs.length, loaded: imgs.filter(i => i.complete && i.naturalWidth > 0).length,
                  widths: imgs.map(i => i.naturalWidth), text: document.body.innerText};
  const pre = document.createElement('pre'); pre.id = 'effcompute-check';
  pre.textContent = JSON.stringify(result); document.body.appendChild(pre);
});
</script>"""


def _chromium(args, tmp_path, timeout=120):
    profile = tmp_path / "chromium-profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)


def test_report_renders_in_headless_chromium(joint_report, tmp_path):
    if not CHROMIUM:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run must install the Debian package 'chromium'")
        pytest.skip("Chromium not installed (apt-get install chromium); CI installs it and runs this test")
    out, attrs = joint_report
    page = tmp_path / "checked.html"
    page.write_text((out / "report.html").read_text().replace("</body>", CHECK_SCRIPT + "</body>"))
    dom = _chromium(["--virtual-time-budget=10000", "--dump-dom", page.as_uri()], tmp_path).stdout
    found = re.search(r'<pre id="effcompute-check">(.*?)</pre>', dom, re.S)
    assert found, "the check script did not run"
    result = json.loads(found.group(1).replace("&quot;", '"').replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&"))
    n_png = len(list((out / FIGURES_DIR).glob("*.png")))
    assert result["n"] == n_png and result["loaded"] == n_png, result["widths"]
    assert min(result["widths"]) > 100
    for number in headline_strings(attrs):
        assert number in result["text"]
    shot = tmp_path / "report.png"
    _chromium(["--window-size=1280,2400", f"--screenshot={shot}", (out / "report.html").as_uri()], tmp_path)
    assert shot.read_bytes().startswith(PNG_SIGNATURE) and shot.stat().st_size > 20_000


def test_a_second_report_into_the_same_folder_needs_force(joint_report, capsys):
    out, attrs = joint_report
    before = (out / "report.html").read_bytes()
    runs = sorted((out.parent / "runs").glob("joint_seed3*.nc"))
    assert main(["report", str(runs[0]), "--out", str(out), "--no-loo"]) == 2
    assert "--force" in capsys.readouterr().err and (out / "report.html").read_bytes() == before
    assert main(["report", str(runs[0]), "--out", str(out), "--no-loo", "--force"]) == 0


def test_captions_say_where_the_hardware_efficiency_prior_comes_from(joint_report):
    out, _ = joint_report
    md = (out / "report.md").read_text()
    assert "seed 002's prior:" not in md
    assert "hardware efficiency from the model's priors on today's MFU and the number-format gain (80%:" in md


def test_answer_table_gives_no_prior_median_for_a_halving_time_whose_prior_allows_none():
    from effcompute.inference.report.build import _prior_median
    from effcompute.models.base import Quantity

    q = Quantity("halving_time_months", "Compute halving time", "months")
    assert _prior_median(q, {"prior": {"median": 5.1, "lo80": -23.5, "hi80": 26.1}}, str) == "none (the prior allows no halving)"
    assert _prior_median(q, {"prior": {"median": 9.0, "lo80": 4.0, "hi80": 20.0}}, str) == "9.0"
