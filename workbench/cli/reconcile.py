"""`workbench reconcile`: the queue of two coders' disagreements, decisions into the team's agreed set, and
agreement per code before and after."""

from __future__ import annotations

import click

from workbench.cli._common import cli, coder_option, echo_lines, json_output, project_of, split_list

ACTIONS = ("keep_a", "keep_b", "keep_both", "agree_custom", "reject")


def _pair(coders) -> tuple[str, str]:
    if len(coders) != 2:
        raise click.UsageError("give the two coders compared, e.g. --coder ann --coder bo")
    return coders[0], coders[1]


def _short(text: str, width: int = 70) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[:width - 1] + "…"


def _spans(codings) -> str:
    return ", ".join(f"{c['start']}-{c['end']}" for c in codings) or "-"


def _print_queue(items) -> None:
    if not items:
        click.echo("Nothing to reconcile: no open disagreements.")
        return
    first = items[0]
    for i in items:
        state = "" if i["state"] == "open" else f"  [{i['state']}]"
        click.echo(f"{i['id']}\t{i['label']}: coded by {i['coded_by']} only{state}  «{_short(i['text'])}»")
        click.echo(f"\t{i['coder_a']}: {_spans(i['a'])}  {i['coder_b']}: {_spans(i['b'])}  "
                   f"{i['team']}: {_spans(i['team_codings'])}")
    click.echo(f"\n{len(items)} items. Decide one with `workbench reconcile decide ID ACTION "
               f"--between {first['coder_a']} --between {first['coder_b']} --coder YOU` "
               f"(actions: {', '.join(ACTIONS)}).")


@cli.group("reconcile", invoke_without_command=True)
@click.option("--coder", "coders", multiple=True, help="A coder compared; give two (listing the queue).")
@click.option("--team", help="The coder name the agreed set is kept under (default: the project's, else 'team').")
@click.option("--codes", help="Comma-separated code ids (default: every code either coder used).")
@click.option("--document", "documents", multiple=True, help="Only this document (id or title); repeat for more.")
@click.option("--all", "include_decided", is_flag=True, help="List decided items too, with their decision.")
@json_output(text=_print_queue)
@click.pass_context
def reconcile(ctx, coders, team, codes, documents, include_decided):
    """The disagreements of two coders to reconcile into a team's agreed set, one line per item with its id."""
    if ctx.invoked_subcommand:
        return None
    a, b = _pair(coders)
    return project_of(ctx).codings.reconciliation_queue(a, b, team, split_list(codes), list(documents) or None,
                                                        include_decided)


def _print_decision(d) -> None:
    spans = ", ".join(f"{s}-{e}" for s, e in d["spans"]) or "nothing"
    click.echo(f"{d['item']}: {d['action']} by {d['decided_by']}; {d['team']} has {spans} "
               f"(decision {d['id']}; undo it with `workbench undo`).")


@reconcile.command("decide")
@click.argument("item")
@click.argument("action", type=click.Choice(ACTIONS))
@click.option("--between", "coders", multiple=True, required=True,
              help="The two coders compared, A then B: --between ann --between bo.")
@coder_option("Who decides (a lead while blind coding is on).")
@click.option("--team", help="The coder name the agreed set is kept under (default: the project's, else 'team').")
@click.option("--start", type=int, help="agree_custom: start of the agreed span (inside the passage).")
@click.option("--end", type=int, help="agree_custom: end of the agreed span.")
@json_output(text=_print_decision)
@click.pass_context
def decide(ctx, item, action, coders, coder, team, start, end):
    """Settle one item: keep_a / keep_b (that coder's spans), keep_both, agree_custom (--start/--end), reject."""
    a, b = _pair(coders)
    project = project_of(ctx, viewer=coder)
    who = project.codings.coder_for(coder)
    return project.codings.decide(item, action, who, a, b, team, start, end)


@reconcile.command("adopt")
@click.option("--coder", "coders", multiple=True, required=True, help="A coder compared; give two.")
@click.option("--by", help="Who adopts (a lead while blind coding is on). Default: $WORKBENCH_CODER, else the "
                           "project's default coder.")
@click.option("--team", help="The coder name the agreed set is kept under (default: the project's, else 'team').")
@json_output(text=lambda r: click.echo(f"{r['team']} adopted {r['units']} agreed units ({len(r['codings'])} codings)."))
@click.pass_context
def adopt(ctx, coders, by, team):
    """Give the team every segment and code both coders coded (one change, undoable)."""
    a, b = _pair(coders)
    project = project_of(ctx, viewer=by)
    return project.codings.adopt_agreements(a, b, project.codings.coder_for(by), team)


def _fmt(stats, key) -> str:
    value = stats.get(key) if stats else None
    return "–" if value is None else f"{value:.2f}"


def _print_summary(s) -> None:
    a, b, team = s["coder_a"], s["coder_b"], s["team"]
    head = f"{'code':<24} {a + ' vs ' + b:>18} {a + ' vs ' + team:>18} {b + ' vs ' + team:>18}"
    rows = [head, f"{'':<24} {'kappa  alpha':>18} {'kappa  alpha':>18} {'kappa  alpha':>18}"]
    for c in [*s["codes"], {"label": "overall (pooled)", **s["overall"]}]:
        cells = [f"{_fmt(c[k], 'kappa'):>11} {_fmt(c[k], 'alpha'):>6}" for k in ("before", "a_team", "b_team")]
        rows.append(f"{_short(c['label'], 24):<24} " + " ".join(cells))
    rows.append(f"\n{s['open']} open, {s['decided']} decided, over {s['units']} segments.")
    echo_lines(rows)


@reconcile.command("summary")
@click.option("--coder", "coders", multiple=True, required=True, help="A coder compared; give two.")
@click.option("--team", help="The coder name the agreed set is kept under (default: the project's, else 'team').")
@json_output(text=_print_summary)
@click.pass_context
def summary(ctx, coders, team):
    """Agreement per code before (A vs B) and after (A vs team, B vs team), by segment."""
    a, b = _pair(coders)
    return project_of(ctx).codings.reconciliation_summary(a, b, team)
