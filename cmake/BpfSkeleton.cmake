# Builds bpf/<name>.bpf.c into a libbpf skeleton header:
#   clang -target bpf  ->  bpftool gen object (static link)  ->  bpftool gen skeleton
# A depfile makes a change to any included header rebuild the object, and
# every step writes to a temporary file renamed into place, so a failed step
# never leaves a half-written skeleton for the C++ build to pick up.

find_program(BPF_CLANG NAMES clang clang-14 REQUIRED)
find_program(BPFTOOL NAMES bpftool PATHS /usr/sbin /sbin /usr/local/sbin REQUIRED)

set(PROCWATCH_VMLINUX_DIR "${CMAKE_SOURCE_DIR}/vmlinux/x86" CACHE PATH "Directory with vmlinux.h")
set(PROCWATCH_BPF_OUT "${CMAKE_BINARY_DIR}/bpf")
file(MAKE_DIRECTORY "${PROCWATCH_BPF_OUT}")

function(procwatch_bpf_skeleton name)
  set(src "${CMAKE_SOURCE_DIR}/bpf/${name}.bpf.c")
  set(obj "${PROCWATCH_BPF_OUT}/${name}.bpf.o")
  set(linked "${PROCWATCH_BPF_OUT}/${name}.linked.o")
  set(skel "${PROCWATCH_BPF_OUT}/${name}.skel.h")
  add_custom_command(
    OUTPUT "${obj}"
    COMMAND "${BPF_CLANG}" -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror
            -I "${PROCWATCH_VMLINUX_DIR}" -I "${CMAKE_SOURCE_DIR}/bpf"
            -MD -MF "${obj}.d" -MT "${obj}" -c "${src}" -o "${obj}.tmp"
    COMMAND "${CMAKE_COMMAND}" -E rename "${obj}.tmp" "${obj}"
    DEPENDS "${src}"
    DEPFILE "${obj}.d"
    COMMENT "BPF compile ${name}.bpf.c"
    VERBATIM)
  add_custom_command(
    OUTPUT "${linked}"
    COMMAND "${BPFTOOL}" gen object "${linked}.tmp" "${obj}"
    COMMAND "${CMAKE_COMMAND}" -E rename "${linked}.tmp" "${linked}"
    DEPENDS "${obj}"
    COMMENT "BPF link ${name}"
    VERBATIM)
  add_custom_command(
    OUTPUT "${skel}"
    COMMAND sh "${CMAKE_SOURCE_DIR}/cmake/gen-skeleton.sh" "${BPFTOOL}" "${linked}"
            "procwatch_${name}" "${skel}"
    DEPENDS "${linked}" "${CMAKE_SOURCE_DIR}/cmake/gen-skeleton.sh"
    COMMENT "BPF skeleton procwatch_${name}"
    VERBATIM)
  set_property(GLOBAL APPEND PROPERTY PROCWATCH_SKELETONS "${skel}")
endfunction()
