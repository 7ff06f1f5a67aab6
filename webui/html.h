/* The output buffers moved to common/obuf.h (the monitor renders Monit's
 * XML too); webui files keep including this name. */
#ifndef VIGIL_WEBUI_HTML_H
#define VIGIL_WEBUI_HTML_H
#include "common/obuf.h"
#endif
