from django.contrib.auth import views as auth_views
from django.urls import path

from weijian.core import account_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("login/", auth_views.LoginView.as_view(template_name="core/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("login/code/", account_views.otp_verify, name="otp_verify"),
    path("account/", account_views.account, name="account"),
    path("account/two-factor/", account_views.otp_enrol, name="otp_enrol"),
    path("account/password/", account_views.password_change, name="password_change"),
    path("account/logout-everywhere/", account_views.logout_everywhere, name="logout_everywhere"),
    path("notifications/", views.notifications, name="notifications"),
]
