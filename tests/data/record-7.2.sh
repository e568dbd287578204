#!/bin/sh
# Run in the lab's x86_64 guest on the newest kernel (its syscall events
# carry user strings, 6.19+) in place of guest.sh, to make the fixture
# openat-7.2.dat:
#   KTPROBE_LAB_SCRIPT=$PWD/tests/data/record-7.2.sh KTPROBE_LAB_KERNELS=newest tests/lab/lab x86_64
# Prints between LAB-FILE-BEGIN and LAB-FILE-END the file, gzipped and
# base64-encoded; before it, for comparison, ktprobe report of the file on
# the recording kernel and the kernel's own text of the same events.
DYN=/lab/dyn
TR=/sys/kernel/tracing
EVENTS='-e t:syscalls:sys_enter_openat -e t:syscalls:sys_enter_write'
LONG=/tmp/$(printf '%0200d' 0)
# shellcheck disable=SC2016
WORK='cat /lab/hello >/tmp/created; : >>"$1"; cat "$2" 2>/dev/null; echo written >/tmp/w'
cd /tmp || exit 1
uname -a
printf '\001\033' >/tmp/ctl
mkdir -p "/tmp/$(cat /tmp/ctl)d"

# shellcheck disable=SC2086
$DYN/ktprobe -o /tmp/openat-7.2.dat -d 3 $EVENTS >out 2>err &
kt=$!
i=0
while ! grep -q 'note: tracing' err; do
	i=$((i + 1))
	[ $i -gt 300 ] && { cat err; exit 1; }
	sleep 0.1
done
sh -c "$WORK" sh "$LONG" "/tmp/$(cat /tmp/ctl)d/x"
wait $kt || { cat err; exit 1; }
echo "--- ktprobe (live, on $(uname -r)):"
cat out
echo "--- ktprobe report (on $(uname -r)):"
$DYN/ktprobe report /tmp/openat-7.2.dat || exit 1

# the kernel's own text of the same events, in an instance of our own
mkdir $TR/instances/k72
echo 165 >$TR/instances/k72/syscall_user_buf_size
echo 1 >$TR/instances/k72/events/syscalls/sys_enter_openat/enable
echo 1 >$TR/instances/k72/events/syscalls/sys_enter_write/enable
sh -c "$WORK" sh "$LONG" "/tmp/$(cat /tmp/ctl)d/x"
echo 0 >$TR/instances/k72/events/syscalls/sys_enter_openat/enable
echo 0 >$TR/instances/k72/events/syscalls/sys_enter_write/enable
echo "--- the kernel's trace (on $(uname -r)):"
grep -v '^#' $TR/instances/k72/trace
rmdir $TR/instances/k72

echo LAB-FILE-BEGIN
gzip -9c /tmp/openat-7.2.dat | base64
echo LAB-FILE-END
echo "ok 1 recorded"
