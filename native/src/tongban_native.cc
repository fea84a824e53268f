// tongban_native: loads a vendor's shared library (a licensed photo decoder, a card
// reader's SDK) and calls its C functions off the JavaScript thread. It knows the few
// C signatures those libraries use and nothing of what their bytes mean: field layouts,
// return codes and timeouts are the TypeScript side's (src-main/devices/native.ts).
//
//   open(path)                                   -> library (dlopen / LoadLibrary; never closed)
//   hasSymbol(library, name)                     -> boolean
//   callInt(library, name, ints)                 -> Promise<number>   int f(int…), 0 to 3 ints
//   callOut(library, name, capacity)             -> Promise<{ result, length, bytes }>
//                                                   int f(unsigned char *buf, int *len)
//   callInOut(library, name, input, capacity, flag)
//                                                -> Promise<{ result, bytes }>
//                                                   int f(char *in, char *out, int flag)
//
// Each call runs on a thread of its own and settles its promise through a thread-safe
// function: a vendor call that never returns holds only that thread (the caller's timeout
// gives up on it), never the event loop nor libuv's shared pool. The thread-safe function
// is unref'd, so a call left hanging does not keep the process alive either.
//
// Libraries are never unloaded: a call given up on may still be running inside one.
// On 64-bit Windows there is one calling convention, so the vendors' WINAPI (__stdcall)
// functions are called like any other; 32-bit Windows is not supported.
#include <napi.h>

#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace {

/** Bytes allocated past what the caller asked for: a vendor that writes a little more corrupts nothing. */
constexpr size_t kSlack = 64 * 1024;
constexpr size_t kMaxCapacity = 16 * 1024 * 1024;

struct Library {
  void* handle;
  std::string path;
};

Napi::Error codedError(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  return error;
}

#ifdef _WIN32
std::string windowsMessage(DWORD code) {
  char* text = nullptr;
  FormatMessageA(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, nullptr,
                 code, 0, reinterpret_cast<char*>(&text), 0, nullptr);
  std::string message = text ? text : "";
  if (text) LocalFree(text);
  while (!message.empty() && (message.back() == '\n' || message.back() == '\r' || message.back() == ' ')) {
    message.pop_back();
  }
  return "error " + std::to_string(code) + (message.empty() ? "" : ": " + message);
}

void* loadLibrary(const std::string& path, std::string& error) {
  int size = MultiByteToWideChar(CP_UTF8, 0, path.c_str(), -1, nullptr, 0);
  std::wstring wide(size > 0 ? size : 1, L'\0');
  MultiByteToWideChar(CP_UTF8, 0, path.c_str(), -1, &wide[0], size);
  // The library's own dependencies (WltRS.dll beside termb.dll …) are looked for in its folder.
  HMODULE module = LoadLibraryExW(wide.c_str(), nullptr, LOAD_WITH_ALTERED_SEARCH_PATH);
  if (!module) error = windowsMessage(GetLastError());
  return reinterpret_cast<void*>(module);
}

void* findSymbol(void* handle, const std::string& name) {
  return reinterpret_cast<void*>(GetProcAddress(reinterpret_cast<HMODULE>(handle), name.c_str()));
}
#else
void* loadLibrary(const std::string& path, std::string& error) {
  // RTLD_NOW: a missing dependency fails here, with dlerror's words, not at the first call.
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* message = dlerror();
    error = message ? message : "dlopen failed";
  }
  return handle;
}

void* findSymbol(void* handle, const std::string& name) {
  dlerror();
  return dlsym(handle, name.c_str());
}
#endif

Library* libraryOf(const Napi::Value& value) {
  if (!value.IsExternal()) throw Napi::TypeError::New(value.Env(), "not a library opened by open()");
  return value.As<Napi::External<Library>>().Data();
}

void* functionOf(const Napi::CallbackInfo& info) {
  Library* library = libraryOf(info[0]);
  if (!info[1].IsString()) throw Napi::TypeError::New(info.Env(), "symbol name must be a string");
  std::string name = info[1].As<Napi::String>().Utf8Value();
  void* fn = findSymbol(library->handle, name);
  if (!fn) throw codedError(info.Env(), "ESYMBOL", library->path + ": no symbol " + name);
  return fn;
}

size_t capacityOf(const Napi::Value& value) {
  if (!value.IsNumber()) throw Napi::TypeError::New(value.Env(), "capacity must be a number");
  double capacity = value.As<Napi::Number>().DoubleValue();
  if (!(capacity >= 0 && capacity <= static_cast<double>(kMaxCapacity))) {
    throw Napi::RangeError::New(value.Env(), "capacity out of range");
  }
  return static_cast<size_t>(capacity);
}

enum class Shape { Int, Out, InOut };

using IntFn0 = int (*)();
using IntFn1 = int (*)(int);
using IntFn2 = int (*)(int, int);
using IntFn3 = int (*)(int, int, int);
using OutFn = int (*)(unsigned char*, int*);
using InOutFn = int (*)(char*, char*, int);

struct Call {
  Shape shape;
  void* fn;
  std::vector<int> ints;
  std::vector<char> input;
  size_t capacity = 0;
  std::vector<char> output;
  int length = 0;
  int result = 0;
  Napi::Promise::Deferred deferred;
  Napi::ThreadSafeFunction tsfn;

  explicit Call(Napi::Env env) : deferred(Napi::Promise::Deferred::New(env)) {}

  /** On the call's own thread. */
  void run() {
    switch (shape) {
      case Shape::Int:
        switch (ints.size()) {
          case 0: result = reinterpret_cast<IntFn0>(fn)(); break;
          case 1: result = reinterpret_cast<IntFn1>(fn)(ints[0]); break;
          case 2: result = reinterpret_cast<IntFn2>(fn)(ints[0], ints[1]); break;
          default: result = reinterpret_cast<IntFn3>(fn)(ints[0], ints[1], ints[2]); break;
        }
        break;
      case Shape::Out:
        output.assign(capacity + kSlack, 0);
        length = static_cast<int>(capacity);
        result = reinterpret_cast<OutFn>(fn)(reinterpret_cast<unsigned char*>(output.data()), &length);
        break;
      case Shape::InOut:
        input.resize(input.size() + kSlack, 0);
        output.assign(capacity + kSlack, 0);
        result = reinterpret_cast<InOutFn>(fn)(input.data(), output.data(), ints.empty() ? 0 : ints[0]);
        break;
    }
  }

  /** Back on the JavaScript thread. */
  void settle(Napi::Env env) {
    if (shape == Shape::Int) {
      deferred.Resolve(Napi::Number::New(env, result));
      return;
    }
    Napi::Object answer = Napi::Object::New(env);
    answer.Set("result", Napi::Number::New(env, result));
    if (shape == Shape::Out) answer.Set("length", Napi::Number::New(env, length));
    answer.Set("bytes", Napi::Buffer<char>::Copy(env, output.data(), capacity));
    deferred.Resolve(answer);
  }
};

/** Runs the call on a thread of its own; answers its promise. */
Napi::Value start(Napi::Env env, std::unique_ptr<Call> call) {
  Napi::Promise promise = call->deferred.Promise();
  call->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function::New(env, [](const Napi::CallbackInfo&) {}),
                                             "tongban-native-call", 0, 1);
  call->tsfn.Unref(env);
  Call* raw = call.release();
  std::thread([raw] {
    raw->run();
    Napi::ThreadSafeFunction tsfn = raw->tsfn;
    napi_status status = tsfn.BlockingCall(raw, [](Napi::Env env, Napi::Function, Call* done) {
      std::unique_ptr<Call> owned(done);
      // While the environment is torn down (process or worker exit) with the answer still
      // queued, JavaScript can no longer be called: nobody waits for the answer.
      try {
        owned->settle(env);
      } catch (...) {
      }
    });
    // napi_closing: the environment is ending (process or worker exit) and nobody waits for
    // the answer; the thread-safe function is then released for this thread already.
    if (status == napi_ok) {
      tsfn.Release();
    } else {
      delete raw;
    }
  }).detach();
  return promise;
}

Napi::Value Open(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) throw Napi::TypeError::New(env, "library path must be a string");
  std::string path = info[0].As<Napi::String>().Utf8Value();
  std::string error;
  void* handle = loadLibrary(path, error);
  if (!handle) throw codedError(env, "ELIBLOAD", path + ": " + error);
  return Napi::External<Library>::New(env, new Library{handle, path},
                                      [](Napi::Env, Library* library) { delete library; });
}

Napi::Value HasSymbol(const Napi::CallbackInfo& info) {
  Library* library = libraryOf(info[0]);
  if (!info[1].IsString()) throw Napi::TypeError::New(info.Env(), "symbol name must be a string");
  return Napi::Boolean::New(info.Env(), findSymbol(library->handle, info[1].As<Napi::String>().Utf8Value()) != nullptr);
}

Napi::Value CallInt(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto call = std::make_unique<Call>(env);
  call->shape = Shape::Int;
  call->fn = functionOf(info);
  if (!info[2].IsArray()) throw Napi::TypeError::New(env, "ints must be an array");
  Napi::Array ints = info[2].As<Napi::Array>();
  if (ints.Length() > 3) throw Napi::RangeError::New(env, "at most 3 int arguments");
  for (uint32_t i = 0; i < ints.Length(); i++) {
    Napi::Value value = ints.Get(i);
    if (!value.IsNumber()) throw Napi::TypeError::New(env, "ints must be numbers");
    call->ints.push_back(value.As<Napi::Number>().Int32Value());
  }
  return start(env, std::move(call));
}

Napi::Value CallOut(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto call = std::make_unique<Call>(env);
  call->shape = Shape::Out;
  call->fn = functionOf(info);
  call->capacity = capacityOf(info[2]);
  return start(env, std::move(call));
}

Napi::Value CallInOut(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto call = std::make_unique<Call>(env);
  call->shape = Shape::InOut;
  call->fn = functionOf(info);
  if (!info[2].IsTypedArray()) throw Napi::TypeError::New(env, "input must be a Uint8Array");
  Napi::Uint8Array input = info[2].As<Napi::Uint8Array>();
  call->input.assign(reinterpret_cast<char*>(input.Data()), reinterpret_cast<char*>(input.Data()) + input.ByteLength());
  call->capacity = capacityOf(info[3]);
  call->ints.push_back(info[4].IsNumber() ? info[4].As<Napi::Number>().Int32Value() : 0);
  return start(env, std::move(call));
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("open", Napi::Function::New(env, Open, "open"));
  exports.Set("hasSymbol", Napi::Function::New(env, HasSymbol, "hasSymbol"));
  exports.Set("callInt", Napi::Function::New(env, CallInt, "callInt"));
  exports.Set("callOut", Napi::Function::New(env, CallOut, "callOut"));
  exports.Set("callInOut", Napi::Function::New(env, CallInOut, "callInOut"));
  return exports;
}

}  // namespace

NODE_API_MODULE(tongban_native, Init)
