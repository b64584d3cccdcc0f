// The one entry of the vendored bundle: exposes what static/js/upload.js uses as window.Uppy.
import Uppy from '@uppy/core'
import Dashboard from '@uppy/dashboard'
import Tus from '@uppy/tus'
import zh_CN from '@uppy/locales/lib/zh_CN.js'

window.Uppy = { Uppy, Dashboard, Tus, locales: { zh_CN } }
