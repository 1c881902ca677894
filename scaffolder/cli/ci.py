"""`ci`: what the GitHub Action runs; locally it prints the same report to the terminal."""

from __future__ import annotations

import argparse

from scaffolder.cli.common import add_fail_on
from scaffolder.cli.engines import add_engine_options, engine_options


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("ci", help="the Action's job: check changed contracts, report to the PR",
                       description="Validate and diff the contracts a pull request changes against the merge-base, "
                       "gate their versions, run data checks where data is given, and report: job summary, "
                       "annotations, outputs, a JSON file and one sticky PR comment. Reads GitHub's standard "
                       "environment (GITHUB_EVENT_PATH, GITHUB_TOKEN, GITHUB_API_URL, ...); without it, prints "
                       "the report to the terminal.")
    p.add_argument("--base-ref", help="branch or commit to compare with (default: origin/$GITHUB_BASE_REF, "
                   "else the default branch); the merge-base with HEAD is used")
    p.add_argument("--head", dest="head_ref", help="commit to check (default: the working tree)")
    add_fail_on(p)
    p.add_argument("--approve-label", default="approved-breaking-change",
                   help="a PR label that lifts --fail-on breaking for the run (default: %(default)s)")
    p.add_argument("--comment", choices=("auto", "always", "off"), default="auto")
    p.add_argument("--data", action="append", default=[], metavar="[CONTRACT=]SOURCE",
                   help="data to check: SOURCE when one contract changed, or NAME_OR_PATH=SOURCE; repeatable")
    p.add_argument("--report-path", help="where to write the JSON report (default: ./scaffolder-report.json)")
    p.add_argument("--working-directory", help="the mesh repo (default: $GITHUB_WORKSPACE or .)")
    p.add_argument("--today", help="date for sunset checks (YYYY-MM-DD; default: today)")
    p.add_argument("--now", help="clock for freshness checks (ISO timestamp)")
    p.add_argument("--comment-author", help="login that owns the sticky comment (default: the token's user, "
                   "or github-actions[bot])")
    p.add_argument("--format", choices=("text", "markdown", "json"), default=None,
                   help="what to print (default: annotations in Actions, markdown otherwise)")
    add_engine_options(p)
    p.set_defaults(run=run)

    c = sub.add_parser("comment", help="post a saved report as the sticky PR comment (workflow_run mode)",
                       description="Create or update the one sticky PR comment from a Markdown report saved by "
                       "`scaffolder ci` in an earlier, unprivileged workflow (fork PRs). Uses GITHUB_TOKEN, "
                       "GITHUB_REPOSITORY and GITHUB_API_URL.")
    c.add_argument("--pr", type=int, required=True, help="pull request number")
    c.add_argument("--body-file", required=True, help="the Markdown report (e.g. the artifact's report.md)")
    c.add_argument("--comment-author", help="login that owns the sticky comment")
    c.set_defaults(run=run_comment)


def run_comment(args: argparse.Namespace) -> int:
    from pathlib import Path

    from scaffolder.errors import UsageError
    from scaffolder.github.comment import post
    from scaffolder.github.environment import read_context

    ctx = read_context()
    if not ctx.token or not ctx.repository:
        raise UsageError("GITHUB_TOKEN and GITHUB_REPOSITORY must be set")
    body_path = Path(args.body_file)
    if not body_path.is_file():
        raise UsageError(f"{body_path}: no such file")
    result = post(ctx.api_url, ctx.token, ctx.repository, args.pr, body_path.read_text("utf-8"),
                  author=args.comment_author)
    print(f"PR comment: {result.action}{' (' + result.url + ')' if result.url else ''}"
          f"{': ' + result.detail if result.detail else ''}")
    return 1 if result.action in ("forbidden", "failed") else 0


def run(args: argparse.Namespace) -> int:
    import datetime as dt
    import sys
    from pathlib import Path

    from scaffolder.errors import UsageError
    from scaffolder.github.ci import CiOptions, post_comment, run_ci
    from scaffolder.github.environment import read_context
    from scaffolder.report.output import dumps

    try:
        today = dt.date.fromisoformat(args.today) if args.today else None
        now = dt.datetime.fromisoformat(args.now) if args.now else None
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    ctx = read_context()
    data = [line.strip() for spec in args.data for line in spec.splitlines() if line.strip()]
    opts = CiOptions(base_ref=args.base_ref, head_ref=args.head_ref, fail_on=args.fail_on,
                     approve_label=args.approve_label, comment=args.comment, data=data,
                     report_path=Path(args.report_path) if args.report_path else None, today=today, now=now,
                     comment_author=args.comment_author, engine=args.engine, engine_options=engine_options(args),
                     working_directory=Path(args.working_directory) if args.working_directory else None)
    outcome = run_ci(ctx, opts)  # report, outputs and summary first: the comment cannot cost them
    fmt = args.format or ("github" if ctx.in_actions else "markdown")
    if fmt == "json":
        print(dumps(outcome.payload))
    elif fmt == "github":
        for line in outcome.annotations:
            print(line)
        print(f"required bump: {outcome.outputs['required-bump']}; ok: {outcome.outputs['ok']}; "
              f"report: {outcome.outputs['report-path']}")
    else:
        print(outcome.markdown)
    sys.stdout.flush()
    shown = len(outcome.annotations)
    comment = post_comment(ctx, opts, outcome)
    if comment is not None:
        for line in outcome.annotations[shown:]:  # the comment's own warning, in every format
            print(line)
        where = f" ({comment.url})" if comment.url else ""
        detail = f": {comment.detail}" if comment.detail else ""
        print(f"PR comment: {comment.action}{where}{detail}")
    return 0 if outcome.ok else 1
