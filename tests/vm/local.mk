# tests/vm: real guest under QEMU
