"""The precedent command: index, parse, show, search, similar, saved, serve."""

from __future__ import annotations

import functools
import html
import json
import os
import re
import sys
from pathlib import Path

import click

from . import settings as config
from .determination import Determination
from .engine import Engine
from .errors import IndexUnavailable, IndexWriteError, NotFound, QueryError
from .ingest.build import build
from .ingest.parse import parse_text
from .ingest.read import ReadError, read_letter
from .search.contrast import Contrast
from .search.query import MODES
from .search.results import SearchResponse

EXIT_NOTHING, EXIT_USAGE = 1, 2
# The contract's exit status for each core error: nothing usable (1) or bad usage / no index (2).
EXIT_CODES = {IndexUnavailable: EXIT_USAGE, QueryError: EXIT_USAGE, NotFound: EXIT_NOTHING,
              ReadError: EXIT_NOTHING, IndexWriteError: EXIT_NOTHING}


class Failure(click.ClickException):
    """A one-line error with the contract's exit status."""

    def __init__(self, message: str, code: int = EXIT_NOTHING):
        super().__init__(message)
        self.exit_code = code

# Waitress threads: queries are serialised on the engine, so threads mostly wait; enough of them that
# 16 clients at once never meet a full house (heavy_requests caps the busy ones, one stays for /healthz)
SERVE_THREADS = 24


def exit_codes(command):
    """Turn the core's errors into one-line messages with the contract's exit status."""
    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except tuple(EXIT_CODES) as error:
            code = next(c for kind, c in EXIT_CODES.items() if isinstance(error, kind))
            raise Failure(str(error), code) from None
    return run


def common(command):
    """Add --index and --json to a command, and the one error handler."""
    command = exit_codes(command)
    command = click.option("--json", "as_json", is_flag=True, help="Print JSON.")(command)
    return click.option("--index", "index_dir", envvar="PRECEDENT_INDEX", default="index",
                        show_default=True, help="Index directory.")(command)


def _engine(index_dir: str) -> Engine:
    return Engine(config.load(index=index_dir))


def _filters(pairs: tuple[str, ...]) -> dict[str, str]:
    filters = {}
    for pair in pairs:
        if "=" not in pair:
            raise Failure(f"--filter takes KEY=VALUE, not {pair!r}", EXIT_USAGE)
        key, value = pair.split("=", 1)
        filters[key.strip()] = value.strip()
    return filters


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli():
    """Search California workers' compensation IMR final determinations."""


@cli.command("index")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--prune", is_flag=True, help="Drop determinations whose source file is gone.")
@click.option("--ray", "ray_address", is_flag=False, flag_value="local", default=None, metavar="[ADDRESS]",
              help="Read, parse and embed on a Ray cluster (a local one without an ADDRESS; give one as "
                   "--ray=ADDRESS or after the paths).")
@common
def index_command(paths, prune, ray_address, index_dir, as_json):
    """Ingest letter files and folders (.txt, .pdf) into the index, incrementally."""
    if ray_address is None:
        report = build(list(paths), config.load(index=index_dir), prune=prune)
    else:
        report = _build_on_ray(list(paths), config.load(index=index_dir), prune, ray_address)
    for failure in report.failed:
        click.echo(f"skipped {failure.path}: {failure.error}", err=True)
    for warning in report.warnings:
        click.echo(f"warning: {warning}", err=True)
    if as_json:
        click.echo(json.dumps(report.to_dict(), indent=1))
    else:
        click.echo(report.summary())
    if report.failed and not (report.added or report.updated or report.unchanged):
        sys.exit(EXIT_NOTHING)


def _build_on_ray(paths: list[Path], settings: config.Settings, prune: bool, address: str):
    if address != "local" and Path(address).exists():  # `--ray corpus/`: a path, not an address
        paths, address = [*paths, Path(address)], "local"
    from .ingest import cluster  # Ray is loaded only for a build on it

    try:
        return cluster.build_on_ray(paths, settings, prune, address)
    except cluster.ClusterError as error:
        raise Failure(str(error), EXIT_USAGE) from None


@cli.command("parse")
@click.argument("file", type=click.Path(path_type=Path))
@common
def parse_command(file, index_dir, as_json):
    """Parse one letter and print the determination (no index needed)."""
    if not file.is_file():
        raise Failure(f"{file}: no such file", EXIT_USAGE)
    try:
        text, warnings = read_letter(file, config.load().max_file_bytes)
    except ReadError as error:
        raise Failure(f"{file}: {error}") from None  # the message names the file
    determination = parse_text(text, file.name)
    determination.warnings.extend(warnings)
    _print_determination(determination, as_json)


@cli.command("show")
@click.argument("doc_id")
@common
def show_command(doc_id, index_dir, as_json):
    """Print an indexed determination."""
    _print_determination(_engine(index_dir).determination(doc_id), as_json)


@cli.command("search")
@click.argument("query")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE",
              help="decision, treatment (a category or a group such as surgery), body_part, guideline, "
                   "reason, specialty, injury_year_from/_to, decided_year_from/_to (repeatable).")
@common
def search_command(query, mode, k, filters, index_dir, as_json):
    """Rank determinations for a query."""
    response = _engine(index_dir).search(query, mode=mode, k=k, filters=_filters(filters))
    _print_response(response, as_json)


@cli.command("similar")
@click.argument("doc_id", required=False)
@click.option("--text", help="A pasted case summary or UR denial instead of a DOC_ID.")
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True)
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE")
@common
def similar_command(doc_id, text, k, filters, index_dir, as_json):
    """Find the determinations most like one determination, or like pasted text."""
    if bool(doc_id) == bool(text):
        raise Failure("give a DOC_ID or --text, not both or neither", EXIT_USAGE)
    response = _engine(index_dir).similar(doc_id=doc_id, text=text, k=k, filters=_filters(filters))
    if as_json:
        click.echo(json.dumps({"doc_id": doc_id, **response.to_dict()}, indent=1))
    else:
        _print_response(response, False)


@cli.group("saved", invoke_without_command=True)
@click.pass_context
@common
def saved_group(context, index_dir, as_json):
    """Saved searches, each with the letters new to it since it was last looked at."""
    if context.invoked_subcommand is None:
        _print_saved(_engine(index_dir).watchlist().all(), as_json)


@saved_group.command("add")
@click.argument("query")
@click.option("--mode", type=click.Choice(MODES), default="hybrid", show_default=True)
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE")
@common
def saved_add_command(query, mode, filters, index_dir, as_json):
    """Save a question and its filters; what it matches now counts as seen."""
    _print_saved([_engine(index_dir).watchlist().add(query, _filters(filters), mode)], as_json)


@saved_group.command("remove")
@click.argument("search_id", type=int)
@common
def saved_remove_command(search_id, index_dir, as_json):
    """Forget a saved search."""
    _engine(index_dir).watchlist().remove(search_id)
    click.echo(json.dumps({"removed": search_id}) if as_json else f"removed saved search {search_id}")


@saved_group.command("show")
@click.argument("search_id", type=int)
@click.option("-k", "k", type=click.IntRange(1, 1000), default=10, show_default=True)
@common
def saved_show_command(search_id, k, index_dir, as_json):
    """Answer a saved search and count its new letters as seen."""
    search, response = _engine(index_dir).watchlist().look(search_id, k)
    if as_json:
        click.echo(json.dumps({**search.to_dict(), **response.to_dict()}, indent=1))
        return
    _print_saved([search], False)
    _print_response(response, False)


def _worker_count(_context, _parameter, value: str) -> int:
    """--workers: a whole number of processes, 1 or more."""
    try:
        count = int(value)
    except ValueError:
        count = 0
    if count < 1:
        raise Failure(f"--workers takes a whole number of processes, 1 or more, not {value!r}", EXIT_USAGE)
    return count


@cli.command("contrast")
@click.argument("query")
@click.option("-k", "k", type=click.IntRange(1, 20), default=3, show_default=True, help="Cases per side.")
@click.option("--filter", "filters", multiple=True, metavar="KEY=VALUE")
@common
def contrast_command(query, k, filters, index_dir, as_json):
    """The nearest Upheld and nearest Overturned determinations for a question, and what differs."""
    contrast = _engine(index_dir).contrast(query, filters=_filters(filters), k=k)
    if as_json:
        click.echo(json.dumps(contrast.to_dict(), indent=1))
    else:
        click.echo(contrast_text(contrast))


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", type=click.IntRange(1, 256),
              help=f"Threads per process [default: {SERVE_THREADS}, or 2 per worker process].")
@click.option("--workers", default="1", show_default=True, callback=_worker_count,
              help="Server processes over one read-only index (more than 1: gunicorn).")
@common
def serve_command(host, port, threads, workers, index_dir, as_json):
    """Serve the web UI and JSON API (production WSGI server); off loopback only with PRECEDENT_TOKEN."""
    from webui.access import Access, AccessRefused

    settings = config.load(index=index_dir)
    try:
        Access.for_bind(settings, host)
    except AccessRefused as refused:
        raise Failure(str(refused), EXIT_USAGE) from None
    if workers > 1:
        from webui import workers as processes  # gunicorn: loaded only to serve with several

        try:
            processes.serve(settings, host, port, workers, threads or processes.THREADS_PER_WORKER)
        except processes.PortInUse as error:
            raise Failure(str(error), EXIT_USAGE) from None
        return
    from webui import create_app  # the web app is the CLI's edge, loaded only to serve
    from webui.server import create_server

    threads = threads or SERVE_THREADS
    engine = Engine(settings)
    # fewer heavy requests than threads, so one thread is always free for /healthz
    heavy = max(1, min(settings.heavy_requests, threads - 1))
    app = create_app({"PRECEDENT": settings, "PRECEDENT_ENGINE": engine, "PRECEDENT_HOST": host,
                      "HEAVY_REQUESTS": heavy})
    try:  # listen first, so that a port in use is said at once
        server = create_server(app, host=host, port=port, threads=threads, ident="precedent")
    except (OSError, ValueError) as error:
        raise Failure(f"cannot listen on {host}:{port}: {getattr(error, 'strerror', None) or error}",
                      EXIT_USAGE) from None
    engine.warm()  # open the index and load the model before the first question
    click.echo(f"Precedent serving on http://{host}:{getattr(server, 'effective_port', port)}/", err=True)
    server.run()


def _print_determination(determination: Determination, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(determination.to_dict(), indent=1))
        return
    d = determination
    click.echo(f"{d.doc_id}  ({d.format}, from {', '.join(d.sources)})")
    p = d.patient
    click.echo(f"patient: age {p.age or '?'}, {p.sex or 'sex unknown'}, injured "
               f"{p.date_of_injury or 'on an unknown date'}")
    click.echo(f"reviewer: {', '.join(d.reviewer.specialty) or '?'}; licensed in "
               f"{', '.join(d.reviewer.licensure) or '?'}")
    for number, issue in enumerate(d.issues, start=1):
        click.echo(f"item {number}: {issue.item} -> {issue.decision or '?'} "
                   f"[{issue.treatment or '?'} | {issue.body_part or '?'} | "
                   f"{', '.join(issue.guidelines) or '?'}]")
    for warning in d.warnings:
        click.echo(f"warning: {warning}")
    for section in d.sections:
        click.echo(f"\n## {section.title}  (#{section.id})\n{section.text}")


def _print_response(response: SearchResponse, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps(response.to_dict(), indent=1))
        return
    if response.message:
        click.echo(response.message, err=True)
    bold = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    click.echo(f"{response.total} determinations")
    for result in response.results:
        click.echo(f"\n{result.rank}. {result.doc_id}  {result.decision or '?'}  "
                   f"{result.item or ''}  ({result.score:.3f})  {result.url}")
        for e in result.excerpts:
            marked = re.sub(r"<mark[^>]*>(.*?)</mark>",
                            (lambda m: f"\033[1m{m.group(1)}\033[0m") if bold else r"[\1]", e.html)
            click.echo(f"   [{e.section}] {_unescape(marked)}")
        if result.near_duplicates:
            others = ", ".join(result.near_duplicates)
            click.echo(f"   +{len(result.near_duplicates)} near-identical: {others}")


def _print_saved(searches, as_json: bool) -> None:
    if as_json:
        click.echo(json.dumps([s.to_dict() for s in searches], indent=1))
        return
    if not searches:
        click.echo("no saved searches: add one with 'precedent saved add QUERY'", err=True)
    for search in searches:
        filters = " ".join(f"{key}={value}" for key, value in search.filters.items())
        click.echo(f"{search.id}. {search.query}" + (f"  [{filters}]" if filters else "")
                   + f"  ({search.mode}): {len(search.new)} new since {search.looked}")
        for doc_id in search.new:
            click.echo(f"   new: {doc_id}  /d/{doc_id}")


def contrast_text(contrast: Contrast) -> str:
    """A contrast as readable lines: each side's cases, then what differs between the best of each."""
    lines = [f"Contrast for {contrast.treatment or '?'}: {contrast.query}"]
    if contrast.message:
        lines.append(contrast.message)
    for side, results in (("UPHELD", contrast.upheld), ("OVERTURNED", contrast.overturned)):
        total = contrast.totals.get(side.capitalize(), len(results))
        lines.append(f"\n{side} ({total} match{'es' if total != 1 else ''})")
        for r in results:
            lines.append(f"  {r.rank}. {r.doc_id}  {r.item or ''}  {r.url}")
            if r.reasons:
                lines.append(f"     reasons: {'; '.join(r.reasons)}")
    if contrast.differences:
        lines.append("\nWhat differs (best upheld | best overturned):")
        lines.extend(f"  {d.aspect}: {d.upheld} | {d.overturned}" for d in contrast.differences)
    return "\n".join(lines)


def _unescape(text: str) -> str:
    return html.unescape(text)


def main() -> None:
    try:
        cli(standalone_mode=True)
    except KeyboardInterrupt:
        click.echo("interrupted", err=True)
        sys.exit(130)
