# Fails when a codec file includes Asio, OpenSSL, or a header from src/net or src/app.
# Called with -DFILES=<list> -DSTAMP=<file>.
set(bad "")
foreach(f IN LISTS FILES)
  file(STRINGS "${f}" lines REGEX "^[ \t]*#[ \t]*include[ \t]*[<\"](asio|boost/asio|openssl|net/|app/)")
  if(lines)
    string(APPEND bad "\n  ${f}: ${lines}")
  endif()
endforeach()
if(bad)
  message(FATAL_ERROR "codecs must be sans-I/O (DESIGN.md); forbidden includes:${bad}")
endif()
file(TOUCH "${STAMP}")
