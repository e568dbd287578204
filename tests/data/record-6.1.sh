#!/bin/sh
# Run in the lab's x86_64 guest (Debian 12's 6.1 kernel) in place of
# guest.sh, to make the fixture uprobe-6.1.dat:
#   KTPROBE_LAB_SCRIPT=$PWD/tests/data/record-6.1.sh KTPROBE_LAB_KERNELS=6.1 tests/lab/lab x86_64
# Prints between LAB-FILE-BEGIN and LAB-FILE-END the file, gzipped and
# base64-encoded; before it, for comparison, ktprobe report of the file on
# the recording kernel and the kernel's own text of the same probe.
DYN=/lab/dyn
TR=/sys/kernel/tracing
PROBE='p:/lab/target:probe_me s=+0(%di):string n=%si:s32'
cd /tmp || exit 1
uname -a

$DYN/ktprobe -o /tmp/uprobe-6.1.dat -d 3 "$PROBE" >out 2>err &
kt=$!
i=0
while ! grep -q 'note: tracing' err; do
	i=$((i + 1))
	[ $i -gt 300 ] && { cat err; exit 1; }
	sleep 0.1
done
/lab/target -n 3 -s lab61
wait $kt || { cat err; exit 1; }
echo "--- ktprobe (live, on $(uname -r)):"
cat out
echo "--- ktprobe report (on $(uname -r)):"
$DYN/ktprobe report /tmp/uprobe-6.1.dat || exit 1

# the kernel's own text of the same probe, in an instance of our own
$DYN/ktprobe --keep "p:k61/probe_me /lab/target:probe_me s=+0(%di):string n=%si:s32" >/dev/null || exit 1
mkdir $TR/instances/k61
echo 1 >$TR/instances/k61/events/k61/probe_me/enable
/lab/target -n 3 -s lab61
echo 0 >$TR/instances/k61/events/k61/probe_me/enable
echo "--- the kernel's trace (on $(uname -r)):"
grep -v '^#' $TR/instances/k61/trace
rmdir $TR/instances/k61
$DYN/ktprobe --remove-kept=k61 >/dev/null

echo LAB-FILE-BEGIN
gzip -9c /tmp/uprobe-6.1.dat | base64
echo LAB-FILE-END
echo "ok 1 recorded"
