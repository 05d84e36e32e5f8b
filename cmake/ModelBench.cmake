# Shared helpers for ModelBench targets.

# Warnings and the project-wide definitions every target gets.
function(mb_target_defaults target)
  target_compile_definitions(${target} PRIVATE QT_NO_KEYWORDS MB_VERSION_STRING="${PROJECT_VERSION}")
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow=local
                                             -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual)
    if(MB_WARNINGS_AS_ERRORS)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  endif()
endfunction()

# mb_add_module(NAME name ALIAS alias SOURCES_DIR dir PUBLIC_LIBS ... PRIVATE_LIBS ...)
# One static library per core module, sources globbed from its own folder.
function(mb_add_module)
  cmake_parse_arguments(M "" "NAME;ALIAS" "PUBLIC_LIBS;PRIVATE_LIBS" ${ARGN})
  file(GLOB _srcs CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.cpp ${CMAKE_CURRENT_SOURCE_DIR}/*.h)
  add_library(${M_NAME} STATIC ${_srcs})
  add_library(${M_ALIAS} ALIAS ${M_NAME})
  set_target_properties(${M_NAME} PROPERTIES POSITION_INDEPENDENT_CODE ON AUTOMOC ON)
  target_include_directories(${M_NAME} PUBLIC ${PROJECT_SOURCE_DIR})
  target_link_libraries(${M_NAME} PUBLIC ${M_PUBLIC_LIBS} PRIVATE ${M_PRIVATE_LIBS})
  mb_target_defaults(${M_NAME})
endfunction()

# mb_add_test(tst_name SOURCES a.cpp ... LIBS ... [GUI] [TIMEOUT s] [LABELS ...])
# One Qt Test executable per unit, registered with CTest.
function(mb_add_test name)
  cmake_parse_arguments(T "GUI" "TIMEOUT" "SOURCES;LIBS;LABELS" ${ARGN})
  add_executable(${name} ${T_SOURCES})
  set_target_properties(${name} PROPERTIES AUTOMOC ON RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  target_link_libraries(${name} PRIVATE Qt6::Test ${T_LIBS})
  target_compile_definitions(${name} PRIVATE
    MB_TEST_DATA_DIR="${PROJECT_SOURCE_DIR}/tests/data"
    MB_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    MB_BINARY_DIR="${CMAKE_BINARY_DIR}"
    MB_PLUGIN_DIR="${MB_PLUGIN_OUTPUT_DIR}")
  mb_target_defaults(${name})
  add_test(NAME ${name} COMMAND ${name})
  if(NOT T_TIMEOUT)
    set(T_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES TIMEOUT ${T_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;MODELBENCH_PLUGIN_PATH=${MB_PLUGIN_OUTPUT_DIR};OMP_WAIT_POLICY=passive")
  if(T_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${T_LABELS}")
  endif()
endfunction()
