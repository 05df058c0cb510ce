# Writes a C++ source defining a function that returns the bytes of a text
# file, for assets embedded at build time (Chart.js for the HTML report).
#   cmake -DINPUT=file -DOUTPUT=out.cpp -DFUNCTION=name -DNAMESPACE=pw -P EmbedText.cmake
# The text goes into a raw string literal; the build fails if the file holds
# the literal's delimiter, or "</script" (it is inlined into a <script>).
file(READ "${INPUT}" content)
set(delim "pw_embedded")
string(FIND "${content}" ")${delim}\"" has_delim)
string(FIND "${content}" "</script" has_script_end)
if(NOT has_delim EQUAL -1 OR NOT has_script_end EQUAL -1)
  message(FATAL_ERROR "${INPUT} cannot be embedded: it contains ')${delim}\"' or '</script'")
endif()
set(version "")
if(content MATCHES "Chart\\.js v([0-9]+\\.[0-9]+\\.[0-9]+)")
  set(version "${CMAKE_MATCH_1}")
endif()
file(WRITE "${OUTPUT}.tmp"
  "// Generated at build time from ${INPUT} by cmake/EmbedText.cmake. Do not edit.\n"
  "#include <string_view>\n\n"
  "namespace ${NAMESPACE} {\n\n"
  "std::string_view ${FUNCTION}() {\n"
  "  static constexpr std::string_view kText = R\"${delim}(${content})${delim}\";\n"
  "  return kText;\n"
  "}\n\n"
  "std::string_view ${FUNCTION}_version() { return \"${version}\"; }\n\n"
  "std::string_view ${FUNCTION}_origin() { return \"${INPUT}\"; }\n\n"
  "}  // namespace ${NAMESPACE}\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
