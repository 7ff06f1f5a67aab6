/* The release number, shown by `vigil -V` and in the web page footer. */
#ifndef VIGIL_VERSION_H
#define VIGIL_VERSION_H

#define VIGIL_VERSION "0.1.0"

#endif
