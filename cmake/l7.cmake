# l7_codec(NAME SOURCES...): a sans-I/O codec library. It links l7_core only, and the build fails
# if one of its files (or a core file) includes Asio, OpenSSL or anything under src/net or src/app.
function(l7_codec name)
  add_library(${name} STATIC ${ARGN})
  target_link_libraries(${name} PUBLIC l7_core)
  set(files)
  foreach(src IN LISTS ARGN)
    list(APPEND files ${CMAKE_CURRENT_SOURCE_DIR}/${src})
  endforeach()
  file(GLOB headers ${CMAKE_CURRENT_SOURCE_DIR}/*.hpp)
  list(APPEND files ${headers})
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${name}.layering.stamp)
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DSTAMP=${stamp} "-DFILES=${files}" -P ${PROJECT_SOURCE_DIR}/cmake/check_codec.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/check_codec.cmake
    COMMENT "Checking that ${name} is sans-I/O"
    VERBATIM)
  add_custom_target(${name}_layering DEPENDS ${stamp})
  add_dependencies(${name} ${name}_layering)
  set_property(GLOBAL APPEND PROPERTY L7_CODEC_FILES ${files})
endfunction()
