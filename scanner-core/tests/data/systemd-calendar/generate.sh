#!/bin/sh
# Regenerate cases.tsv and invalid.tsv from systemd-analyze (see README.md).
# Usage: sh generate.sh   (in this folder; needs systemd-analyze, written with systemd 252)
set -eu
export TZ=UTC LC_ALL=C

# base time (UTC) <TAB> expression
CASES='2026-11-26 00:00:00	minutely
2026-11-26 00:00:00	hourly
2026-11-26 00:00:00	daily
2026-11-26 00:00:00	weekly
2026-11-26 00:00:00	monthly
2026-11-26 00:00:00	yearly
2026-11-26 00:00:00	annually
2026-11-26 00:00:00	quarterly
2026-11-26 00:00:00	semiannually
2026-11-26 00:00:00	*-*-* 6,18:00
2026-11-26 00:00:00	Sun *-*-* 03:10:00
2026-11-26 00:00:00	Mon..Fri 22:00
2026-11-26 00:00:00	mon,fri *-*-* 09:30
2026-11-26 00:00:00	Saturday,Sunday 10:00
2026-11-26 00:00:00	Mon-Wed,Fri 07:45
2026-11-26 00:00:00	*-*-01/2 04:00
2026-11-26 00:00:00	2026..2030-01..03-01 12:00
2026-11-26 00:00:00	2027..2040/4-06-15 08:00
2026-11-26 00:00:00	*-02-29 00:00
2026-11-26 00:00:00	*-02~03
2026-11-26 00:00:00	Mon *-05~07/1
2026-11-26 00:00:00	*-*~01 23:00
2026-11-26 00:00:00	*-*~1..3 06:00
2026-11-26 00:00:00	*:0/15
2026-11-26 00:00:00	*:*:0/20
2026-11-26 00:00:00	00/6:00
2026-11-26 00:00:00	Mon..Fri 09..17:00
2026-11-26 00:00:00	12:00
2026-11-26 00:00:00	2026-12-25
2026-11-26 00:00:00	Sat *-*-1..7 18:00:00
2026-11-26 00:00:00	*-*-31
2026-11-26 00:00:00	*-*-* 12:00:30.25
2026-11-26 00:00:00	@1798761600
2026-11-26 00:00:00	*-02-30
2026-11-26 00:00:00	daily Asia/Kolkata
2026-11-26 00:00:00	daily Europe/Berlin
2026-11-26 00:00:00	*-*-1,15 03:00 Europe/Berlin
2026-11-26 00:00:00	Mon..Fri 22:00 UTC
2022-02-28 01:00:00	*-*-01/5 04:00:00
2026-03-27 00:00:00	*-*-* 02:30:00 Europe/Berlin
2026-10-23 00:00:00	*-*-* 02:30:00 Europe/Berlin
2026-10-25 01:10:00	*-*-* 02:30:00 Europe/Berlin
2026-03-28 22:00:00	*-*-* *:30:00 Europe/Berlin
2026-10-24 22:00:00	*-*-* *:30:00 Europe/Berlin
2026-03-28 23:00:00	*-*-* 02:00/20 Europe/Berlin
2026-10-24 23:00:00	*-*-* 02:00/20 Europe/Berlin
2026-03-27 00:00:00	Sun *-*-* 02:30 Europe/Berlin
2026-03-06 00:00:00	*-*-* 02:15 America/New_York
2026-10-30 00:00:00	*-*-* 01:15 America/New_York
2026-10-02 00:00:00	*-*-* 02:15 Australia/Lord_Howe
2026-04-03 00:00:00	*-*-* 01:45 Australia/Lord_Howe
2026-09-03 00:00:00	daily America/Santiago
2026-10-24 22:00:00	Sun *-*~07/2 *:30 Europe/Berlin'

INVALID='
 daily
daily 
*-*-* 25:00
Funday
Mond
Fri..Mon
Mon..
Mon.Fri
*-13-01
*:*:60
*-*-32
*-*-01/0
*-*~29
*-*~01/1
*:*/15
*-*-*/2
*-*-* 02:30  Europe/Berlin
12:00:00:00
*-*-* 12.00
*-*-* 1:2:3.
1969-01-01
1..
@
2026~05-01
Mon *-*-* 12:00 Mars/Olympus
2026-01-01 12:00:00 CEST'

# "Fri 2026-11-27 00:00:00 UTC" -> "2026-11-27T00:00:00Z"
to_rfc3339() { sed -E 's/^[A-Za-z]{3} ([0-9-]{10}) ([0-9:]{8}) UTC$/\1T\2Z/'; }

printf '# base (UTC)\texpression\tsystemd normalized form\tnext elapses (UTC, up to 8)\n' > cases.tsv
printf '%s\n' "$CASES" | while IFS='	' read -r base expr; do
    out=$(systemd-analyze calendar --base-time="$base UTC" --iterations=8 "$expr")
    norm=$(printf '%s\n' "$out" | sed -n 's/^ *Normalized form: //p')
    runs=$(printf '%s\n' "$out" | sed -n -E 's/^ *(Next elapse|Iter\. #[0-9]+): //p' | to_rfc3339 | tr '\n' ' ' | sed 's/ $//')
    printf '%s\t%s\t%s\t%s\n' "$base" "$expr" "$norm" "$runs" >> cases.tsv
done

printf '# expression\tsystemd-analyze error\n' > invalid.tsv
printf '%s\n' "$INVALID" | while IFS= read -r expr; do
    if err=$(systemd-analyze calendar "$expr" 2>&1 >/dev/null); then
        echo "systemd accepts '$expr'" >&2
        exit 1
    fi
    printf '%s\t%s\n' "$expr" "$(printf '%s' "$err" | head -n 1)" >> invalid.tsv
done
