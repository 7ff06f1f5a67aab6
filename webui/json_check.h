/* Is text[0..len) exactly one JSON object (RFC 8259, nesting at most 16
 * deep, no raw control bytes in strings)?  For the monitor's service
 * objects before webui serves them (json_check.c). */
#ifndef VIGIL_WEBUI_JSON_CHECK_H
#define VIGIL_WEBUI_JSON_CHECK_H

#include <stdbool.h>
#include <stddef.h>

bool json_object_valid(const char *text, size_t len);

#endif
