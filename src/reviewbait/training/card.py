"""Render ``MODEL_CARD.md`` from the manifest, so the card can never drift from the model."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["render_card", "render_readme_metrics", "render_user_card", "update_readme_metrics", "write_card"]


def _row(*cells: Any) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _artifact_lines(manifest: dict[str, Any]) -> list[str]:
    """The artifact table shared by the shipped model's card and a user model's card."""
    lines = [
        "## Artifact",
        _row("field", "value"),
        _row("---", "---"),
        _row("version", manifest.get("model_version")),
        _row("artifact", f"`{manifest.get('artifact')}` ({manifest.get('size_bytes', 0) / 1e6:.1f} MB)"),
        _row("sha256", f"`{manifest.get('sha256')}`"),
        _row("data sha256", f"`{manifest.get('data_sha256')}`"),
        _row("seed", manifest.get("seed")),
        _row("command", f"`{manifest.get('command')}`"),
        _row("training time", f"{manifest.get('training_seconds')} s"),
    ]
    lines += [_row(name, version) for name, version in sorted(manifest.get("versions", {}).items())]
    return lines


def _sms_lines(sms: dict[str, Any] | None, thresholds: dict[str, float]) -> list[str]:
    """Flag rates on the real SMS Spam Collection, per operating point, or why they are missing."""
    if not sms:
        return ["Not measured (../shared/corpora was not present at training time)."]
    return [
        f"{sms['ham']} ham and {sms['spam']} spam SMS ({sms['source']}):",
        "",
        _row("operating point", "ham flagged", "spam flagged"),
        _row("---", "---", "---"),
        *[_row(f"`{k}`", sms[k]["ham_flag_rate"], sms[k]["spam_flag_rate"]) for k in thresholds],
    ]


def _real_text_lines(manifest: dict[str, Any]) -> list[str]:
    """Flagged share of real ``dev`` text per corpus, and the real offers, when measured."""
    m = manifest.get("metrics", {})
    dev, offers = m.get("real_dev"), m.get("real_offers")
    if not dev:
        return ["Not measured: `../shared/corpora/real` was absent when this model was trained."]
    names = list(dev["overall"])
    lines = [
        f"Flagged share of the `dev` rows of `../shared/corpora/real` ({dev['rows']} real texts no one here "
        "wrote; nearly all are not solicitations, so nearly every flag is false). Measured only, never trained on.",
        "",
        _row("corpus", "licence", "rows", *[f"`{n}`" for n in names]),
        _row("---", "---", "---", *["---" for _ in names]),
    ]
    for corpus, v in dev["corpora"].items():
        lines.append(_row(corpus, v["licence"], v["rows"], *[f"{v[n]:.2%}" for n in names]))
    lines.append(_row("**all**", "", dev["rows"], *[f"**{dev['overall'][n]:.3%}**" for n in names]))
    if offers:
        lines += [
            "",
            f"Real offers (`../shared/corpora/real_offers`, {offers['rows']} English snippets, {offers['offers']} "
            "offers, measured only): "
            + "; ".join(
                f"`{n}` precision {offers[n]['precision']}, recall {offers[n]['recall']}, F1 {offers[n]['f1']}"
                for n in names
            )
            + ".",
        ]
    real = manifest.get("real_text") or {}
    if real.get("files"):
        lines += [
            "",
            f"Trained with {manifest['data'].get('real_negative_rows', 0)} real `train` rows as assumed negatives "
            f"(weight {real.get('weight')} each; gate-passing rows only, at most {max(f['rows_used'] for f in real['files'])} "
            "per corpus), from these files (read at train time, not shipped):",
            "",
            _row("file", "licence", "rows used", "sha256"),
            _row("---", "---", "---", "---"),
            *[_row(f"`{f['file']}`", f["licence"], f["rows_used"], f"`{f['sha256'][:16]}…`") for f in real["files"]],
        ]
    return lines


def _operating_point_lines(manifest: dict[str, Any]) -> list[str]:
    lines = ["## Operating points", manifest.get("threshold_choice", ""), "", _row("name", "threshold")]
    lines += [_row("---", "---"), *[_row(f"`{k}`", v) for k, v in manifest.get("thresholds", {}).items()]]
    return lines + _scoring_lines(manifest)


def _scoring_lines(manifest: dict[str, Any]) -> list[str]:
    """The rules between the classifier and a probability: which units a text is scored by, and
    when a text that names nothing of value is held back (a moderator reading a flag needs both)."""
    from reviewbait.model import WINDOW_CHARS

    units = f"the whole text and overlapping windows of {WINDOW_CHARS} characters of a long one"
    if manifest.get("literal_units"):
        units += ", and, in a text that looks like code or markup, each string literal or element text of 3+ words"
    lines = ["", f"A text's probability is its best unit's: {units}."]
    rule = manifest.get("offer_rule")
    if rule:
        where = "every unit, on its own cues" if rule.get("per_unit") else "the whole text's cues"
        when = f"it has at most {rule['max_words']} words"
        if rule.get("without_act"):
            when += " or names no review act"
        lines.append("")
        lines.append(
            f"A unit with no incentive cue (an incentive the text denies does not count) is multiplied by "
            f"{rule['factor']} when {when} (`OfferRule`, applied to {where})."
        )
    return lines


def render_card(manifest: dict[str, Any]) -> str:
    if manifest.get("kind") == "user" or "test" not in manifest.get("metrics", {}):
        return render_user_card(manifest)
    m = manifest["metrics"]
    lines = [
        "# Model card: reviewbait",
        "",
        "Generated from `manifest.json` by `reviewbait train`; do not edit by hand.",
        "",
        "## What it does",
        "Scores how likely a post offers something of value in exchange for writing, changing or",
        "removing a review or rating (review solicitation, see `../shared/LABELING.md`), and names",
        "the kind (`category`), what is offered (`incentive_type`) and whether the offer requires a",
        "positive review.",
        "",
        *_artifact_lines(manifest),
    ]
    lines += [
        "",
        "## Training data",
        f"Hand-written corpus in `data/` (see `data/README.md`): {manifest['data']['train_rows']} train rows "
        f"(+ {manifest['data']['augmented_train_rows']} machine-obfuscated copies, training only), "
        f"{manifest['data']['test_rows']} test rows, split grouped by near-duplicates.",
        "",
        *_operating_point_lines(manifest),
    ]
    lines += ["", "## Test split", ""]
    lines.append(_row("operating point", "PR-AUC", "precision", "recall", "F1", "flag rate"))
    lines.append(_row("---", "---", "---", "---", "---", "---"))
    for name, t in m["test"].items():
        lines.append(_row(f"`{name}`", t["pr_auc"], t["precision"], t["recall"], t["f1"], t["flag_rate"]))
    balanced = m["test"]["balanced"]
    lines += [
        "",
        "Per language at `balanced`:",
        "",
        _row("language", "n", "precision", "recall", "F1"),
        _row("---", "---", "---", "---", "---"),
    ]
    for lang, v in balanced["per_language"].items():
        lines.append(_row(lang, v["n"], v["precision"], v["recall"], v["f1"]))
    lines += [
        "",
        "Per category at `balanced`. Positive categories: *detection recall* (share of the category's",
        "rows flagged), *slice F1* (F1 on the category's own rows, 2r/(1+r)), and *end-to-end F1*",
        "(a row counts as predicted for the category only when it is flagged AND the category head",
        "names that category; false flags of other rows count against it). Negative categories:",
        "share wrongly flagged.",
        "",
        _row("category", "n", "detection recall", "slice F1", "end-to-end F1", "false-positive rate"),
        _row("---", "---", "---", "---", "---", "---"),
    ]
    for category, v in balanced["per_category"].items():
        if "f1" in v:
            lines.append(_row(category, v["positives"], v["detection_recall"], v.get("slice_f1", ""), v["f1"], ""))
        else:
            lines.append(_row(category, v["n"], "", "", "", v["false_positive_rate"]))
    heads = m["heads"]
    lines += [
        "",
        f"Category head on test positives: accuracy {heads['category_accuracy']}, macro-F1 "
        f"{heads['category_macro_f1']}; sentiment-condition head accuracy {heads['sentiment_accuracy']} (n={heads['n']}).",
        *_incentive_lines(m.get("incentive")),
        "",
        "## Real text",
        "",
    ]
    lines += _real_text_lines(manifest)
    lines += ["", "### SMS Spam Collection"]
    lines += _sms_lines(m.get("sms_spam_collection"), manifest["thresholds"])
    lines += [
        "",
        "## Limitations",
        "- Trained on a hand-written corpus of a few thousand posts in seven languages, with real text",
        "  as assumed negatives when `../shared` was present (above); real platforms differ, and recall",
        "  on real offers written as programme pages or terms is its weak point. Measure on your own",
        "  labeled posts (`reviewbait evaluate`) before relying on it.",
        "- Texts that name no review act at all (no review, rating, stars or review platform, in any",
        "  supported language or disguise) are never flagged: the gate scores them 0.",
        '- Code words with no review vocabulary ("you know the drill") are beyond it.',
        "- A denied incentive is read from a negator a few words before it in the same clause. A denial",
        '  after the verb (German "wir zahlen nicht dafür"), a bare Chinese 不 ("不返现") and a condition',
        '  across a comma ("no review, no refund", read as a denial) are not understood.',
        '- String literals are units only in text that looks like code (braces, tags, `key = "..."`);',
        "  quoted offers in prose are read as quotes, which usually report an offer rather than make one.",
        "",
    ]
    return "\n".join(lines)


def _incentive_lines(incentive: dict[str, Any] | None) -> list[str]:
    """What is offered (``incentive_type``) on the flagged positives of the test split."""
    if not incentive:
        return []
    lines = [
        "",
        f"Incentive head (`incentive_type`, what is offered) on the {incentive['n']} positives flagged at "
        f"`{incentive['threshold']}`: accuracy {incentive['accuracy']}. Per value, *accuracy* is the share "
        "of that value's rows given it:",
        "",
        _row("incentive_type", "n", "accuracy", "precision", "F1"),
        _row("---", "---", "---", "---", "---"),
    ]
    for value, v in incentive["per_value"].items():
        lines.append(_row(value, v["n"], v["accuracy"], v["precision"], v["f1"]))
    return lines


def render_user_card(manifest: dict[str, Any]) -> str:
    """The card of a model trained on a user's rows (``reviewbait train --data``): no test split.

    Its metrics are cross-validated on the training rows (grouped by near duplicates), which is
    optimistic for posts unlike them; the card says so and points to ``reviewbait evaluate``.
    """
    data = manifest.get("data", {})
    cv = manifest.get("metrics", {}).get("train_cv", {})
    files = ", ".join(f"`{f}`" for f in data.get("user_files", [])) or "(not recorded)"
    lines = [
        "# Model card: reviewbait (trained on your data)",
        "",
        "Generated from `manifest.json` by `reviewbait train --data`; do not edit by hand.",
        "",
        "## What it does",
        "The reviewbait pipeline (see `../shared/LABELING.md`), refitted on your labeled rows: scores how",
        "likely a post offers something of value in exchange for writing, changing or removing a review.",
        "",
        *_artifact_lines(manifest),
    ]
    lines += [
        "",
        "## Training data",
        f"{data.get('user_rows', '?')} of your rows from {files}, plus {data.get('base_rows', 0)} rows of "
        f"{data.get('base') or 'no base corpus (--no-base)'}; {data.get('train_rows', '?')} rows in all "
        f"({data.get('positives', '?')} solicitations), + {data.get('augmented_train_rows', 0)} "
        "machine-obfuscated copies (training only).",
    ]
    notes = manifest.get("notes") or []
    if notes:
        lines += ["", *[f"- {note}" for note in notes]]
    lines += ["", *_operating_point_lines(manifest)]
    lines += [
        "",
        "## Cross-validated metrics on the training rows",
        f"Out-of-fold scores, {cv.get('folds', '?')} folds grouped by {cv.get('grouped_by', 'near-duplicate group')}.",
        "There is no held-out test split: measure the model on posts it never saw with `reviewbait evaluate`.",
        "",
        _row("operating point", "precision", "recall", "F1", "flag rate", "rows"),
        _row("---", "---", "---", "---", "---", "---"),
    ]
    for name in manifest.get("thresholds", {}):
        v = cv.get(name)
        if isinstance(v, dict):
            lines.append(_row(f"`{name}`", v["precision"], v["recall"], v["f1"], v["flag_rate"], v["n"]))
    lines += ["", "## Real text: SMS Spam Collection"]
    lines += _sms_lines(manifest.get("metrics", {}).get("sms_spam_collection"), manifest["thresholds"])
    lines += [
        "",
        "## Limitations",
        "- Cross-validated metrics flatter a model on posts like its training rows; a model trained with",
        "  `--no-base` on a few hundred rows knows little beyond them.",
        "- Texts that name no review act at all are never flagged: the gate scores them 0, whatever the data.",
        "",
    ]
    return "\n".join(lines)


def write_card(directory: Path, manifest: dict[str, Any]) -> Path:
    path = directory / "MODEL_CARD.md"
    path.write_text(render_card(manifest), encoding="utf-8")
    return path


def render_readme_metrics(manifest: dict[str, Any]) -> str:
    """The accuracy table of the README, from the manifest (a test keeps the two in sync)."""
    m = manifest["metrics"]
    test = m["test"]
    lines = [
        _row("test split", "threshold", "PR-AUC", "precision", "recall", "F1"),
        _row("---", "---", "---", "---", "---", "---"),
    ]
    for name, t in test.items():
        lines.append(_row(f"`{name}`", manifest["thresholds"][name], t["pr_auc"], t["precision"], t["recall"], t["f1"]))
    balanced = test["balanced"]
    languages = balanced["per_language"]
    lines += [
        "",
        "F1 per language at `balanced`: " + ", ".join(f"{lang} {v['f1']}" for lang, v in languages.items()) + ".",
    ]
    positives = {k: v for k, v in balanced["per_category"].items() if "f1" in v}
    lines += [
        "",
        _row("positive category (`balanced`)", "detection recall", "slice F1", "end-to-end F1"),
        _row("---", "---", "---", "---"),
    ]
    lines += [_row(k, v["detection_recall"], v.get("slice_f1", ""), v["f1"]) for k, v in sorted(positives.items())]
    dev = m.get("real_dev")
    if dev:
        worst = max(dev["corpora"].items(), key=lambda kv: kv[1]["balanced"])
        lines += [
            "",
            f"Real text (`dev` rows of `../shared/corpora/real`, {dev['rows']} texts in seven languages, measured "
            f"only) flagged: {dev['overall']['balanced']:.3%} at `balanced` (worst corpus {worst[0]}, "
            f"{worst[1]['balanced']:.2%}), {dev['overall']['precise']:.3%} at `precise`; per corpus in "
            "[src/reviewbait/models/MODEL_CARD.md](src/reviewbait/models/MODEL_CARD.md).",
        ]
    offers = m.get("real_offers")
    if offers:
        b = offers["balanced"]
        lines += [
            "",
            f"Real offers (`../shared/corpora/real_offers`, {offers['rows']} English snippets, measured only) at "
            f"`balanced`: precision {b['precision']}, recall {b['recall']}, F1 {b['f1']}.",
        ]
    disguised = m.get("obfuscated_test_positives")
    if disguised:
        b = disguised["balanced"]
        lines += [
            "",
            f"Test positives written the way evaders write (machine-disguised copies of the {disguised['n']} test "
            f"positives; a robustness check, not a metric): recall {b['disguised_recall']} at `balanced`, against "
            f"{b['recall']} on the same positives as written.",
        ]
    incentive = m.get("incentive")
    if incentive:
        lines += [
            "",
            f"`incentive_type` (what is offered) on the {incentive['n']} flagged test positives: accuracy "
            f"{incentive['accuracy']}; per value: "
            + ", ".join(f"{k} {v['accuracy']}" for k, v in incentive["per_value"].items())
            + ".",
        ]
    sms = m.get("sms_spam_collection")
    if sms:
        lines += [
            "",
            f"Real SMS (SMS Spam Collection, {sms['ham']} ham, {sms['spam']} spam) flagged at `balanced`: "
            f"{sms['balanced']['ham_flag_rate']:.2%} of ham, {sms['balanced']['spam_flag_rate']:.2%} of spam; "
            f"at `precise`: {sms['precise']['ham_flag_rate']:.2%} and {sms['precise']['spam_flag_rate']:.2%}.",
        ]
    return "\n".join(lines)


README_START = "<!-- metrics:start -->"
README_END = "<!-- metrics:end -->"


def update_readme_metrics(readme: Path, manifest: dict[str, Any]) -> bool:
    """Rewrite the README's metrics block from the manifest; False if the README has none."""
    text = readme.read_text(encoding="utf-8")
    if README_START not in text or README_END not in text:
        return False
    head, rest = text.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    readme.write_text(f"{head}{README_START}\n{render_readme_metrics(manifest)}\n{README_END}{tail}", encoding="utf-8")
    return True
